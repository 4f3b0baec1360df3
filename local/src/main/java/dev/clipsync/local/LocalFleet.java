package dev.clipsync.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

import dev.clipsync.local.frontdoor.FrontDoor;
import dev.clipsync.local.frontdoor.FrontDoorSettings;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the whole fleet on this machine and keeps it running until Ctrl-C: PostgreSQL
 * and Redis (embedded, data kept in {@code --data}), auth-service, the sync-gateways and
 * presence-service, and in front of them the one URL clients use. Each sync-gateway runs
 * in a process of its own; auth-service and presence-service run in this JVM beside the
 * front door, each as its own application ({@link HostedService}), unless
 * {@code --separate-processes}.
 */
@Command(name = "clipsync-local", mixinStandardHelpOptions = true, sortOptions = false,
		description = { "Run the whole ClipSync fleet on this machine behind one URL.", "",
				"Clients use only the URL it prints (default http://127.0.0.1:8080); the other ports are the "
						+ "services' own, for probes and metrics." })
public final class LocalFleet implements Callable<Integer> {

	@Option(names = "--port", description = "The one URL clients use (default: ${DEFAULT-VALUE}).")
	int port = 8080;

	@Option(names = "--data", description = "Where data and logs are kept between runs (default: ${DEFAULT-VALUE}). "
			+ "One fleet at a time per folder.")
	Path data = Path.of(".clipsync-data");

	@Option(names = "--gateways", description = "How many sync-gateways (default: ${DEFAULT-VALUE}).")
	int gateways = 2;

	@Option(names = "--unsafe-fast",
			description = "Turn off PostgreSQL's fsync and synchronous commit: faster writes, but a crash or power cut "
					+ "can lose acknowledged clips and corrupt the data folder. For throwaway data only.")
	boolean unsafeFast;

	@Option(names = "--separate-processes",
			description = "Run auth-service and presence-service in processes of their own, as the gateways, "
					+ "instead of in the launcher's JVM: production's shape, for about 160 MB more memory.")
	boolean separateProcesses;

	@Option(names = "--auth-port", description = "auth-service (default: ${DEFAULT-VALUE}).")
	int authPort = 8081;

	@Option(names = "--gateway-ports", split = ",",
			description = "The sync-gateways' ports (default: 8082, then 8084 and up).")
	int @Nullable [] gatewayPorts;

	@Option(names = "--presence-port", description = "presence-service (default: ${DEFAULT-VALUE}).")
	int presencePort = 8083;

	@Option(names = "--postgres-port", description = "Embedded PostgreSQL (default: ${DEFAULT-VALUE}).")
	int postgresPort = 15432;

	@Option(names = "--redis-port", description = "Redis (default: ${DEFAULT-VALUE}).")
	int redisPort = 16379;

	@Option(names = "--repository",
			description = "The ClipSync checkout whose jars to run (default: ${DEFAULT-VALUE}).")
	Path repository = Path.of(".");

	/**
	 * Database connections per process: one person's devices need few, and each is a
	 * PostgreSQL backend process of a few MB (production's gateway pool is 32).
	 */
	private static final int AUTH_POOL = 4;

	private static final int GATEWAY_POOL = 6;

	private final List<AutoCloseable> running = new ArrayList<>();

	private final CountDownLatch stopped = new CountDownLatch(1);

	public static void main(String[] args) {
		System.exit(new CommandLine(new LocalFleet()).execute(args));
	}

	@Override
	public Integer call() throws Exception {
		if (this.gateways < 1 || this.gateways > 16) {
			System.err.println("--gateways must be between 1 and 16.");
			return 2;
		}
		int[] gatewayPorts = gatewayPorts();
		if (gatewayPorts == null) {
			System.err.println("--gateway-ports names " + this.gatewayPorts.length + " ports but --gateways is "
					+ this.gateways + ": give one port per gateway.");
			return 2;
		}
		Files.createDirectories(this.data);
		DataFolderLock lock = DataFolderLock.acquire(this.data);
		if (lock == null) {
			System.err.println("Another clipsync-local is already using " + this.data.toAbsolutePath()
					+ ". Stop it (Ctrl-C in its terminal), or run this one on another folder with --data DIR"
					+ " (and other ports, see --help).");
			return 2;
		}
		this.running.add(lock);
		String busy = busyPorts(gatewayPorts);
		if (busy != null) {
			System.err.println(busy);
			lock.close();
			return 2;
		}
		Path logs = this.data.resolve("logs");
		Files.createDirectories(logs);
		// read by logback.xml: the libraries' logs go to logs/front-door.log
		System.setProperty("clipsync.logs", logs.toAbsolutePath().toString());
		Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "clipsync-local-stop"));
		long started = System.nanoTime();
		try {
			startAll(logs, gatewayPorts);
		}
		catch (Exception ex) {
			System.err.println("Could not start the fleet: " + ex.getMessage());
			stopAll();
			return 1;
		}
		System.out.println();
		System.out.printf("ClipSync is running at http://127.0.0.1:%d (ready in %.1f s)%n", this.port,
				(System.nanoTime() - started) / 1e9);
		System.out.println("  logs: " + logs.toAbsolutePath());
		System.out.println("  data: " + this.data.toAbsolutePath()
				+ (this.unsafeFast ? " (--unsafe-fast: a crash can lose clips)" : ""));
		System.out.println("Press Ctrl-C to stop.");
		this.stopped.await();
		return 0;
	}

	private void startAll(Path logs, int[] gatewayPorts) throws Exception {
		Watchdog watchdog = Watchdog.start(this.data);
		this.running.add(watchdog);
		long start = System.nanoTime();
		// every pool full, plus the launcher's own connection and a few for psql
		int connections = AUTH_POOL + GATEWAY_POOL * gatewayPorts.length + 5;
		LocalPostgres postgres = LocalPostgres.start(this.data, this.postgresPort, !this.unsafeFast, connections, logs);
		this.running.add(postgres);
		watchdog.postgres(postgres.dataDirectory());
		ready("PostgreSQL", "127.0.0.1:" + this.postgresPort, start);
		start = System.nanoTime();
		LocalRedis redis = LocalRedis.start(this.data, this.redisPort, !this.unsafeFast, logs);
		this.running.add(redis);
		watchdog.process(redis.pid());
		ready("Redis", "127.0.0.1:" + this.redisPort, start);

		InetAddress proxyAddress = ProxyAddress.choose();
		Map<String, String> shared = new LinkedHashMap<>();
		shared.put("spring.data.redis.url", redis.url());
		shared.put("clipsync.tokens.jwks-uri", "http://127.0.0.1:" + this.authPort + "/.well-known/jwks.json");
		// Forwarded headers are believed only from the front door's address.
		shared.put("server.tomcat.remoteip.internal-proxies", ProxyAddress.regex(proxyAddress));
		Map<String, String> database = new LinkedHashMap<>(shared);
		database.put("spring.datasource.url", postgres.jdbcUrl());
		database.put("spring.datasource.username", "postgres");

		String signingKey = SigningKey.pem(this.data);
		List<Service> services = new ArrayList<>();
		ServiceJars jars = new ServiceJars(this.data.resolve("run"),
				ProcessHandle.current().info().command().orElse("java"));
		if (this.separateProcesses) {
			// the key in the environment, not on a command line other users can read
			services.add(ServiceProcess.start("auth-service", jars.prepare("auth-service", jar("auth-service")),
					this.authPort, withPool(database, AUTH_POOL), Map.of("CLIPSYNC_TOKENS_SIGNINGKEYS_0_PRIVATEKEYPEM",
							signingKey, "CLIPSYNC_TOKENS_SIGNINGKEYS_0_ID", "local"),
					logs));
		}
		else {
			// before any Spring Boot application of this JVM, the front door's included
			JdkLogging.install();
			Map<String, String> auth = withPool(database, AUTH_POOL);
			auth.put("clipsync.tokens.signing-keys[0].id", "local");
			auth.put("clipsync.tokens.signing-keys[0].private-key-pem", signingKey);
			services.add(HostedService.start("auth-service", jars.unpacked("auth-service", jar("auth-service")),
					this.authPort, auth, logs));
		}
		for (int i = 0; i < gatewayPorts.length; i++) {
			services
				.add(ServiceProcess.start("sync-gateway-" + (i + 1), jars.prepare("sync-gateway", jar("sync-gateway")),
						gatewayPorts[i], withPool(database, GATEWAY_POOL), Map.of(), logs));
		}
		if (this.separateProcesses) {
			services
				.add(ServiceProcess.start("presence-service", jars.prepare("presence-service", jar("presence-service")),
						this.presencePort, shared, Map.of(), logs));
		}
		else {
			services.add(HostedService.start("presence-service",
					jars.unpacked("presence-service", jar("presence-service")), this.presencePort, shared, logs));
		}
		this.running.addAll(services);
		// the hosted services end with this JVM
		services.stream()
			.filter(ServiceProcess.class::isInstance)
			.forEach((service) -> watchdog.process(((ServiceProcess) service).pid()));
		// The front door starts while the services do (it needs only their ports), and
		// lets clients in once a gateway passes its health check.
		long frontDoorStart = System.nanoTime();
		Path web = this.repository.resolve("web");
		FrontDoorSettings settings = new FrontDoorSettings(this.port, this.authPort,
				Arrays.stream(gatewayPorts).boxed().toList(), this.presencePort, proxyAddress,
				Files.isDirectory(web) ? web.toAbsolutePath() : null);
		// a thread of its own inherits this one's class loader (the launcher jar's)
		CompletableFuture<Void> frontDoor = CompletableFuture
			.supplyAsync(() -> FrontDoor.start(settings), (task) -> Thread.ofPlatform().name("front-door").start(task))
			.thenAccept((context) -> {
				synchronized (this) {
					this.running.add(context::close);
				}
			});
		try {
			for (Service service : services) {
				service.awaitReady(Duration.ofMinutes(5), logs);
				ready(service.name(), "127.0.0.1:" + service.port(), service.startedAt());
			}
		}
		finally {
			// a failed start stops everything, the front door included
			awaitQuietly(frontDoor);
		}
		try {
			frontDoor.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		awaitGatewayInRotation(Duration.ofMinutes(1));
		ready("front door", "http://127.0.0.1:" + this.port, frontDoorStart);
	}

	private static void awaitQuietly(CompletableFuture<?> future) {
		try {
			future.join();
		}
		catch (CompletionException | CancellationException ex) {
			// reported by the caller's join
		}
	}

	/**
	 * Until the front door routes to a gateway: a request for clips without a token gets
	 * a gateway's 401 then, the front door's own 503 before.
	 */
	private void awaitGatewayInRotation(Duration timeout) throws IOException, InterruptedException {
		HttpClient http = HttpClient.newHttpClient();
		HttpRequest clips = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/clips")).build();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (http.send(clips, HttpResponse.BodyHandlers.discarding()).statusCode() == 503) {
			if (System.nanoTime() > deadline) {
				throw new IOException("the front door reaches no gateway; see the logs");
			}
			Thread.sleep(100);
		}
	}

	private static Map<String, String> withPool(Map<String, String> settings, int size) {
		Map<String, String> pooled = new LinkedHashMap<>(settings);
		pooled.put("spring.datasource.hikari.maximum-pool-size", Integer.toString(size));
		// an idle fleet keeps one connection open, not the whole pool
		pooled.put("spring.datasource.hikari.minimum-idle", "1");
		return pooled;
	}

	private static void ready(String component, String where, long startedNanos) {
		System.out.printf("  ready  %-18s %-24s %5.1f s%n", component, where, (System.nanoTime() - startedNanos) / 1e9);
	}

	private int @Nullable [] gatewayPorts() {
		if (this.gatewayPorts != null) {
			if (this.gatewayPorts.length != this.gateways && this.gateways != 2) {
				return null;
			}
			this.gateways = this.gatewayPorts.length;
			return this.gatewayPorts;
		}
		int[] ports = new int[this.gateways];
		ports[0] = 8082;
		for (int i = 1; i < ports.length; i++) {
			ports[i] = 8083 + i;
		}
		return ports;
	}

	private Path jar(String module) {
		return this.repository.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
	}

	/**
	 * Which of our ports another process holds, said plainly; {@code null} when all are
	 * free.
	 */
	private @Nullable String busyPorts(int[] gatewayPorts) {
		Map<String, Integer> ports = new LinkedHashMap<>();
		ports.put("--port", this.port);
		ports.put("--auth-port", this.authPort);
		for (int i = 0; i < gatewayPorts.length; i++) {
			ports.put("--gateway-ports (gateway " + (i + 1) + ")", gatewayPorts[i]);
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

	/**
	 * The front door first (no new clients), then the services (they drain), and only
	 * then Redis and PostgreSQL, which the services need until they have stopped.
	 */
	private synchronized void stopAll() {
		if (this.running.isEmpty()) {
			this.stopped.countDown();
			return;
		}
		System.out.println();
		System.out.println("Stopping ...");
		List<AutoCloseable> reversed = new ArrayList<>(this.running);
		Collections.reverse(reversed);
		List<AutoCloseable> services = reversed.stream().filter(Service.class::isInstance).toList();
		for (AutoCloseable part : reversed) {
			if (part instanceof Service) {
				if (part == services.get(0)) {
					services.parallelStream().forEach(this::closeQuietly);
				}
			}
			else {
				closeQuietly(part);
			}
		}
		this.running.clear();
		System.out.println("Stopped.");
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

}
