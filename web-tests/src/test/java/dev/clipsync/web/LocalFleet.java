package dev.clipsync.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.clipsync.common.testsupport.TestInfrastructure;

/**
 * The whole fleet started the way a person starts it, {@code ./clipsync-local}: the
 * launcher jar in a process of its own, on free ports and a throwaway data folder of the
 * test's. Its front door serves web/ of this checkout at the one origin.
 */
final class LocalFleet implements AutoCloseable {

	private final Process process;

	private final List<String> lines = new ArrayList<>();

	private final CompletableFuture<Void> running = new CompletableFuture<>();

	/**
	 * Front door (the one origin), auth, gateway 1, gateway 2, presence, postgres, redis.
	 */
	final int[] ports = new int[7];

	/**
	 * Access tokens that expire while a test watches, so refreshing them is exercised;
	 * few connections per user, so the limit can be reached.
	 */
	static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(90);

	/** Per gateway. */
	static final int CONNECTIONS_PER_USER = 4;

	private static final Map<String, String> SETTINGS = Map.of("CLIPSYNC_TOKENS_ACCESSTOKENLIFETIME",
			ACCESS_TOKEN_LIFETIME.toSeconds() + "s", "CLIPSYNC_CONNECTIONS_PERUSER",
			Integer.toString(CONNECTIONS_PER_USER));

	private LocalFleet(Path data) throws IOException {
		for (int i = 0; i < this.ports.length; i++) {
			this.ports[i] = TestInfrastructure.freePort();
		}
		Path repository = repository();
		Files.createDirectories(data);
		List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
				repository.resolve("local/target/local-0.1.0-SNAPSHOT.jar").toString(), "--repository",
				repository.toString(), "--data", data.toString(), "--unsafe-fast", "--port",
				Integer.toString(this.ports[0]), "--auth-port", Integer.toString(this.ports[1]), "--gateway-ports",
				this.ports[2] + "," + this.ports[3], "--presence-port", Integer.toString(this.ports[4]),
				"--postgres-port", Integer.toString(this.ports[5]), "--redis-port", Integer.toString(this.ports[6]));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		// The services inherit these (Spring's relaxed binding of environment variables).
		builder.environment().putAll(SETTINGS);
		this.process = builder.start();
		Thread.ofVirtual().start(this::follow);
	}

	static LocalFleet start(Path data) throws Exception {
		LocalFleet fleet = new LocalFleet(data);
		try {
			fleet.running.get(10, TimeUnit.MINUTES);
		}
		catch (Exception ex) {
			fleet.close();
			throw new IllegalStateException("the fleet did not start:\n" + fleet.output(), ex);
		}
		return fleet;
	}

	static Path repository() {
		return Path.of(System.getProperty("clipsync.repository", "..")).toAbsolutePath().normalize();
	}

	/** The one origin clients use. */
	String origin() {
		return "http://127.0.0.1:" + this.ports[0];
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
	 * The port of gateway 1 or 2, for what only a gateway itself answers (its metrics).
	 */
	int gatewayPort(int number) {
		return this.ports[1 + number];
	}

	/** Gateway 1 or 2, by the jar its process runs. */
	ProcessHandle gateway(int number) {
		return this.process.descendants()
			.filter((child) -> child.info().commandLine().orElse("").contains("sync-gateway-" + number + ".jar"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no process of sync-gateway-" + number));
	}

	String output() {
		synchronized (this.lines) {
			return String.join("\n", this.lines);
		}
	}

	/** Like Ctrl-C: the launcher stops everything it started. */
	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(2, TimeUnit.MINUTES)) {
			this.process.destroyForcibly();
		}
	}

}
