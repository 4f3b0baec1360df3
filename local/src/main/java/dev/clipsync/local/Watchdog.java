package dev.clipsync.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Leaves no child behind when the launcher itself is killed (SIGKILL, a crash), which
 * runs no shutdown hook: a small shell process that waits for the launcher to disappear,
 * then stops the services, then Redis, then PostgreSQL (which runs in a session of its
 * own and would otherwise live on). The launcher tells it what to stop through a file.
 */
final class Watchdog implements AutoCloseable {

	private final Process process;

	private final Path children;

	private Watchdog(Process process, Path children) {
		this.process = process;
		this.children = children;
	}

	static Watchdog start(Path data) throws IOException {
		Path run = data.resolve("run");
		Files.createDirectories(run);
		Path script = run.resolve("watchdog.sh");
		try (InputStream in = Watchdog.class.getResourceAsStream("watchdog.sh")) {
			Files.write(script, in.readAllBytes());
		}
		Path children = run.resolve("children");
		Files.writeString(children, "");
		Process process = new ProcessBuilder(Detached.command(List.of("bash", script.toAbsolutePath().toString(),
				Long.toString(ProcessHandle.current().pid()), children.toAbsolutePath().toString())))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("logs").resolve("watchdog.log").toFile()))
			.start();
		return new Watchdog(process, children);
	}

	/** A child process: a service, or Redis. */
	void process(long pid) {
		append("pid " + pid);
	}

	void postgres(Path dataDirectory) {
		append("postgres " + dataDirectory.toAbsolutePath());
	}

	private void append(String line) {
		try {
			Files.writeString(this.children, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot write " + this.children, ex);
		}
	}

	/** The launcher stopped everything itself: the watchdog leaves without acting. */
	@Override
	public void close() {
		this.process.destroy();
	}

}
