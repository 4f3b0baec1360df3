package dev.clipsync.cli.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * What the agent does, as lines: to its log file (with a timestamp) and to standard
 * error, so a person running it in a terminal sees connected / reconnecting / signed out.
 */
final class AgentLog implements AutoCloseable {

	private final Writer file;

	private final PrintStream status;

	AgentLog(Path file, PrintStream status) throws IOException {
		Path parent = file.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		this.file = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
		this.status = status;
	}

	synchronized void say(String line) {
		this.status.println("clipsync agent: " + line);
		this.status.flush();
		try {
			this.file.write(Instant.now() + " " + line + System.lineSeparator());
			this.file.flush();
		}
		catch (IOException ex) {
			// the log is a convenience; the agent goes on
		}
	}

	@Override
	public synchronized void close() {
		try {
			this.file.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
