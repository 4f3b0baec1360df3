package dev.clipsync.common.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one-command fleet (module {@code local}) in a process of its own, as a person runs
 * {@code ./clipsync-local}: its output kept, running once it prints its URL, its gateways
 * found among its children, stopped like Ctrl-C. The caller says how to start it (from
 * the launcher jar, or from a classpath) and with which options.
 */
public final class LaunchedFleet implements AutoCloseable {

	/** The launcher's own process. */
	public final Process process;

	private final List<String> lines = new ArrayList<>();

	private final CompletableFuture<Void> running = new CompletableFuture<>();

	private LaunchedFleet(Process process) {
		this.process = process;
		Thread.ofVirtual().start(this::follow);
	}

	/**
	 * Starts the launcher without waiting for it.
	 * @param command the launcher's command line
	 * @param environment added to this process's environment; the services inherit it, so
	 * {@code CLIPSYNC_...} variables set their settings
	 * @return the launched fleet
	 * @throws IOException when the process cannot start
	 */
	public static LaunchedFleet start(List<String> command, Map<String, String> environment) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putAll(environment);
		return new LaunchedFleet(builder.start());
	}

	/**
	 * Waits until the launcher says the fleet is running.
	 * @param timeout how long at most
	 * @throws IllegalStateException with the launcher's output, when it stopped or took
	 * longer
	 */
	public void awaitRunning(Duration timeout) {
		try {
			this.running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("the fleet did not start:\n" + output(), ex);
		}
	}

	private void follow() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				synchronized (this.lines) {
					this.lines.add(line);
				}
				if (line.startsWith("ClipSync is running")) {
					this.running.complete(null);
				}
			}
		}
		catch (IOException ex) {
			// the process is gone
		}
		this.running.completeExceptionally(new IllegalStateException("the fleet stopped"));
	}

	/**
	 * @param number 1 or 2
	 * @return that gateway's process, found by the name the launcher gives it
	 */
	public ProcessHandle gateway(int number) {
		return this.process.descendants()
			.filter((child) -> child.info()
				.commandLine()
				.orElse("")
				.contains("-Dclipsync.local.service=sync-gateway-" + number + " "))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no process of sync-gateway-" + number));
	}

	/**
	 * @return everything the launcher printed so far
	 */
	public String output() {
		synchronized (this.lines) {
			return String.join("\n", this.lines);
		}
	}

	/** Like Ctrl-C: a signal the launcher handles by stopping everything it started. */
	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		// the first stop after a build also writes the services' AOT caches
		if (!this.process.waitFor(5, TimeUnit.MINUTES)) {
			this.process.destroyForcibly();
		}
	}

}
