package dev.clipsync.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.clipsync.common.testsupport.LaunchedFleet;
import dev.clipsync.common.testsupport.TestInfrastructure;

/**
 * The whole fleet started the way a person starts it, {@code ./clipsync-local}: the
 * launcher jar in a process of its own, on free ports and a throwaway data folder of the
 * test's. Its front door serves web/ of this checkout at the one origin.
 */
final class LocalFleet implements AutoCloseable {

	static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(30);

	/** Per gateway. */
	static final int CONNECTIONS_PER_USER = 4;

	/**
	 * Access tokens that expire while a test watches, so refreshing them is exercised;
	 * few connections per user, so the limit can be reached. The services read them from
	 * the environment they inherit.
	 */
	private static final Map<String, String> SETTINGS = Map.of("CLIPSYNC_TOKENS_ACCESSTOKENLIFETIME",
			ACCESS_TOKEN_LIFETIME.toSeconds() + "s", "CLIPSYNC_CONNECTIONS_PERUSER",
			Integer.toString(CONNECTIONS_PER_USER));

	/**
	 * Front door (the one origin), auth, gateway 1, gateway 2, presence, postgres, redis.
	 */
	private final int[] ports = new int[7];

	private final LaunchedFleet launched;

	private LocalFleet(Path data) throws IOException {
		for (int i = 0; i < this.ports.length; i++) {
			this.ports[i] = TestInfrastructure.freePort();
		}
		Path repository = repository();
		Files.createDirectories(data);
		this.launched = LaunchedFleet.start(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
				repository.resolve("local/target/local-0.1.0-SNAPSHOT.jar").toString(), "--repository",
				repository.toString(), "--data", data.toString(), "--unsafe-fast", "--port",
				Integer.toString(this.ports[0]), "--auth-port", Integer.toString(this.ports[1]), "--gateway-ports",
				this.ports[2] + "," + this.ports[3], "--presence-port", Integer.toString(this.ports[4]),
				"--postgres-port", Integer.toString(this.ports[5]), "--redis-port", Integer.toString(this.ports[6])),
				SETTINGS);
	}

	static LocalFleet start(Path data) throws Exception {
		LocalFleet fleet = new LocalFleet(data);
		try {
			fleet.launched.awaitRunning(Duration.ofMinutes(10));
		}
		catch (RuntimeException ex) {
			fleet.close();
			throw ex;
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

	/**
	 * The port of gateway 1 or 2, for what only a gateway itself answers (its metrics).
	 */
	int gatewayPort(int number) {
		return this.ports[1 + number];
	}

	/** Gateway 1 or 2. */
	ProcessHandle gateway(int number) {
		return this.launched.gateway(number);
	}

	/** Like Ctrl-C: the launcher stops everything it started. */
	@Override
	public void close() throws InterruptedException {
		this.launched.close();
	}

}
