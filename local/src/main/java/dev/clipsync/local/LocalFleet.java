package dev.clipsync.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the whole fleet on this machine and keeps it running until Ctrl-C: PostgreSQL
 * and Redis (embedded, data kept in {@code --data}), auth-service, two sync-gateways and
 * presence-service, each from its jar in a process of its own, and the discovery URL.
 */
@Command(name = "clipsync-local", mixinStandardHelpOptions = true,
		description = "Run the whole ClipSync fleet on this machine.")
public final class LocalFleet implements Callable<Integer> {

	@Option(names = "--data", description = "Where data is kept between runs (default: ${DEFAULT-VALUE}).")
	Path data = Path.of(".clipsync-data");

	@Option(names = "--repository",
			description = "The ClipSync checkout whose jars to run (default: ${DEFAULT-VALUE}).")
	Path repository = Path.of(".");

	@Option(names = "--port", description = "The URL clients use (discovery) (default: ${DEFAULT-VALUE}).")
	int port = 8080;

	@Option(names = "--auth-port", description = "auth-service (default: ${DEFAULT-VALUE}).")
	int authPort = 8081;

	@Option(names = "--gateway-ports", split = ",", description = "The two sync-gateways (default: ${DEFAULT-VALUE}).")
	int[] gatewayPorts = { 8082, 8084 };

	@Option(names = "--presence-port", description = "presence-service (default: ${DEFAULT-VALUE}).")
	int presencePort = 8083;

	@Option(names = "--postgres-port", description = "Embedded PostgreSQL (default: ${DEFAULT-VALUE}).")
	int postgresPort = 15432;

	@Option(names = "--redis-port", description = "Redis (default: ${DEFAULT-VALUE}).")
	int redisPort = 16379;

	private final List<AutoCloseable> running = new ArrayList<>();

	private final CountDownLatch stopped = new CountDownLatch(1);

	public static void main(String[] args) {
		System.exit(new CommandLine(new LocalFleet()).execute(args));
	}

	@Override
	public Integer call() throws Exception {
		String busy = busyPorts();
		if (busy != null) {
			System.err.println(busy);
			return 2;
		}
		Path logs = this.data.resolve("logs");
		Files.createDirectories(logs);
		Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "clipsync-local-stop"));
		try {
			startAll(logs);
		}
		catch (Exception ex) {
			System.err.println("Could not start the fleet: " + ex.getMessage());
			stopAll();
			return 1;
		}
		System.out.println();
		System.out.println("ClipSync is running. Use http://127.0.0.1:" + this.port);
		System.out.println("  discovery  http://127.0.0.1:" + this.port + "/.well-known/clipsync");
		System.out.println("  logs       " + logs.toAbsolutePath());
		System.out.println("Press Ctrl-C to stop.");
		this.stopped.await();
		return 0;
	}

	private void startAll(Path logs) throws Exception {
		say("Starting PostgreSQL on port " + this.postgresPort);
		LocalPostgres postgres = LocalPostgres.start(this.data, this.postgresPort);
		this.running.add(postgres);
		say("Starting Redis on port " + this.redisPort);
		LocalRedis redis = LocalRedis.start(this.data, this.redisPort);
		this.running.add(redis);

		Map<String, String> shared = new LinkedHashMap<>();
		shared.put("spring.data.redis.url", redis.url());
		shared.put("clipsync.tokens.jwks-uri", "http://127.0.0.1:" + this.authPort + "/.well-known/jwks.json");
		Map<String, String> database = new LinkedHashMap<>(shared);
		database.put("spring.datasource.url", postgres.jdbcUrl());
		database.put("spring.datasource.username", "postgres");

		Map<String, String> authEnvironment = Map.of("CLIPSYNC_TOKENS_SIGNINGKEYS_0_PRIVATEKEYPEM",
				SigningKey.pem(this.data), "CLIPSYNC_TOKENS_SIGNINGKEYS_0_ID", "local");
		List<ServiceProcess> services = new ArrayList<>();
		services.add(ServiceProcess.start("auth-service", jar("auth-service"), this.authPort, database, authEnvironment,
				logs));
		for (int i = 0; i < this.gatewayPorts.length; i++) {
			services.add(ServiceProcess.start("sync-gateway-" + (i + 1), jar("sync-gateway"), this.gatewayPorts[i],
					database, Map.of(), logs));
		}
		services.add(ServiceProcess.start("presence-service", jar("presence-service"), this.presencePort, shared,
				Map.of(), logs));
		this.running.addAll(services);
		for (ServiceProcess service : services) {
			say("Waiting for " + service.name() + " on port " + service.port());
			service.awaitReady(Duration.ofMinutes(3), logs);
		}
		this.running.add(Discovery.start(this.port, this.authPort, this.gatewayPorts[0], this.presencePort));
	}

	private Path jar(String module) {
		return this.repository.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
	}

	/**
	 * Which of our ports another process holds, said plainly; {@code null} when all are
	 * free.
	 */
	private String busyPorts() {
		Map<String, Integer> ports = new LinkedHashMap<>();
		ports.put("--port", this.port);
		ports.put("--auth-port", this.authPort);
		for (int i = 0; i < this.gatewayPorts.length; i++) {
			ports.put("--gateway-ports (gateway " + (i + 1) + ")", this.gatewayPorts[i]);
		}
		ports.put("--presence-port", this.presencePort);
		ports.put("--postgres-port", this.postgresPort);
		ports.put("--redis-port", this.redisPort);
		List<String> busy = new ArrayList<>();
		ports.forEach((option, port) -> {
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				// free
			}
			catch (IOException ex) {
				busy.add("port " + port + " (" + option + ")");
			}
		});
		return busy.isEmpty() ? null : "Cannot start: " + String.join(", ", busy)
				+ " already in use by another process. Stop it, or choose other ports with the options named.";
	}

	/** Services first (they drain), then Redis and PostgreSQL. */
	private synchronized void stopAll() {
		if (this.running.isEmpty()) {
			this.stopped.countDown();
			return;
		}
		say("Stopping");
		List<AutoCloseable> reversed = new ArrayList<>(this.running);
		java.util.Collections.reverse(reversed);
		reversed.parallelStream().filter(ServiceProcess.class::isInstance).forEach(this::closeQuietly);
		reversed.stream().filter((part) -> !(part instanceof ServiceProcess)).forEach(this::closeQuietly);
		this.running.clear();
		this.stopped.countDown();
	}

	private void closeQuietly(AutoCloseable part) {
		try {
			part.close();
		}
		catch (Exception ex) {
			System.err.println("While stopping: " + ex.getMessage());
		}
	}

	private static void say(String line) {
		System.out.println("[clipsync-local] " + line);
	}

}
