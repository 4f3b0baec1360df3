package dev.clipsync.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The installed {@code clipsync} launcher run as a person runs it: a process of its own,
 * with its own configuration folder, standard input, output and error.
 */
public final class Cli {

	private final @Nullable Path configDir;

	private final Map<String, String> environment = new HashMap<>();

	public Cli(@Nullable Path configDir) {
		this.configDir = configDir;
	}

	/**
	 * No configuration folder named: profiles go where the launcher puts them by default,
	 * under this home folder.
	 */
	public static Cli inHome(Path home) {
		return new Cli(null).with("HOME", home.toString());
	}

	/** Extra environment for every process (DISPLAY for an agent, for example). */
	public Cli with(String name, String value) {
		Cli copy = new Cli(this.configDir);
		copy.environment.putAll(this.environment);
		copy.environment.put(name, value);
		return copy;
	}

	public static Path launcher() {
		return Path.of(System.getProperty("clipsync.launcher"));
	}

	/** The outcome of a command that ran to its end. */
	public record Result(int exit, String out, String err) {

		public Result expect(int code) {
			assertThat(this.exit).as("exit code; stdout: %s; stderr: %s", this.out, this.err).isEqualTo(code);
			return this;
		}

	}

	public Result run(String stdin, String... args) {
		Running running = start(stdin, args);
		try {
			if (!running.process.waitFor(300, TimeUnit.SECONDS)) {
				running.process.destroyForcibly();
				throw new AssertionError("clipsync " + String.join(" ", args) + " did not finish");
			}
			running.drained.get(10, TimeUnit.SECONDS);
			return new Result(running.process.exitValue(), String.join("\n", running.out),
					String.join("\n", running.err));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	public Running start(String stdin, String... args) {
		List<String> command = new ArrayList<>();
		command.add(launcher().toString());
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		if (this.configDir != null) {
			builder.environment().put("CLIPSYNC_CONFIG_DIR", this.configDir.toString());
		}
		else {
			builder.environment().remove("CLIPSYNC_CONFIG_DIR");
			builder.environment().remove("XDG_CONFIG_HOME");
		}
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		builder.environment().remove("WAYLAND_DISPLAY");
		builder.environment().remove("JAVA_TOOL_OPTIONS");
		builder.environment().putAll(this.environment);
		try {
			Process process = builder.start();
			try (OutputStream in = process.getOutputStream()) {
				if (stdin != null) {
					in.write(stdin.getBytes(StandardCharsets.UTF_8));
				}
			}
			return new Running(process);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A command still running (watch, agent), its lines collected as they come. */
	public static final class Running implements AutoCloseable {

		public final Process process;

		public final List<String> out = new CopyOnWriteArrayList<>();

		public final List<String> err = new CopyOnWriteArrayList<>();

		final CompletableFuture<Void> drained;

		Running(Process process) {
			this.process = process;
			this.drained = CompletableFuture.allOf(collect(process.getInputStream(), this.out),
					collect(process.getErrorStream(), this.err));
		}

		private static CompletableFuture<Void> collect(java.io.InputStream stream, List<String> into) {
			CompletableFuture<Void> done = new CompletableFuture<>();
			Thread.ofVirtual().start(() -> {
				try (BufferedReader reader = new BufferedReader(
						new InputStreamReader(stream, StandardCharsets.UTF_8))) {
					String line;
					while ((line = reader.readLine()) != null) {
						into.add(line);
					}
				}
				catch (IOException ex) {
					// the process is gone
				}
				done.complete(null);
			});
			return done;
		}

		public void awaitErr(String text) {
			Awaitility.await()
				.atMost(Duration.ofSeconds(120))
				.untilAsserted(() -> assertThat(this.err).as("standard error").anyMatch((line) -> line.contains(text)));
		}

		public void awaitOut(int lines) {
			Awaitility.await()
				.atMost(Duration.ofSeconds(120))
				.untilAsserted(() -> assertThat(this.out).as("standard output; stderr: %s", this.err)
					.hasSizeGreaterThanOrEqualTo(lines));
		}

		public int awaitExit() throws InterruptedException {
			if (!this.process.waitFor(120, TimeUnit.SECONDS)) {
				throw new AssertionError("still running; stderr: " + this.err);
			}
			return this.process.exitValue();
		}

		/** SIGKILL: no shutdown hook, nothing. */
		public void kill() throws InterruptedException {
			this.process.destroyForcibly();
			this.process.waitFor();
		}

		@Override
		public void close() {
			this.process.destroy();
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
