package dev.clipsync.cli;

import dev.clipsync.client.ClipSyncException;
import picocli.CommandLine;

/** {@code clipsync}: builds the command line and turns every failure into one line. */
public final class Main {

	private Main() {
	}

	public static void main(String[] args) {
		System.exit(run(args));
	}

	static int run(String... args) {
		CommandLine commandLine = new CommandLine(new Clipsync());
		commandLine.setExecutionExceptionHandler((ex, line, parsed) -> {
			String message;
			int code;
			if (ex instanceof ClipSyncException failure) {
				message = failure.getMessage();
				code = Exit.of(failure);
			}
			else if (ex instanceof UserError failure) {
				message = failure.getMessage();
				code = failure.exitCode();
			}
			else if (ex instanceof java.io.UncheckedIOException failure) {
				message = failure.getMessage();
				code = Exit.FAILED;
			}
			else {
				message = "unexpected error (" + ex + "); please report it";
				code = Exit.FAILED;
			}
			line.getErr().println("clipsync: " + message);
			return code;
		});
		return commandLine.execute(args);
	}

}
