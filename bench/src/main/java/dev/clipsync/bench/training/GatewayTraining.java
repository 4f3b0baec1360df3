package dev.clipsync.bench.training;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.clipsync.bench.DurationConverter;
import dev.clipsync.bench.delivery.DeliveryLoad;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Makes a JDK AOT cache for the sync-gateway from a training run with real traffic. A
 * cache made from start-up alone barely shortens a fresh gateway's first reconnect storm:
 * what a storm spends is the handshake path's own classes and the compiler's work on
 * them, so the training has to run handshakes, pushes and fan-out, against a real
 * PostgreSQL and Redis. This program starts both (binaries from Maven Central, so an
 * image build needs nothing else), runs one gateway with {@code -XX:AOTCacheOutput}
 * through the delivery load, stops it so that the JVM writes the cache, and then starts
 * the gateway once more with {@code -XX:AOTMode=on}, which fails the start if the JVM
 * would not use the cache.
 * <p>
 * A cache is valid only for the same JDK, the same jar at the same path, and the same
 * object layout options: train where and how the gateway will run.
 */
@Command(name = "gateway-training", mixinStandardHelpOptions = true, sortOptions = false,
		description = { "Trains a JDK AOT cache for the sync-gateway jar --jar and writes it to --cache: starts a "
				+ "PostgreSQL and a Redis of its own, runs the gateway with -XX:AOTCacheOutput through --users x 2 "
				+ "devices pushing --rate clips/s for --duration, stops it, and checks that the gateway starts with "
				+ "the cache (-XX:AOTMode=on).",
				"The gateway runs on this program's java with the options in JAVA_TOOL_OPTIONS and --java-option: "
						+ "run it where, and with the options that, the gateway will be run with the cache.",
				"Exits 1 when the training or the check failed; the gateway's logs are in --logs." })
public final class GatewayTraining implements Callable<Integer> {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

	/**
	 * Writing the cache forks a JVM that assembles it: give it time on a slow builder.
	 */
	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(300);

	@Option(names = "--jar", required = true,
			description = "the gateway jar, extracted (java -Djarmode=tools -jar ... extract), named as it will be run")
	Path jar = Path.of("");

	@Option(names = "--cache", required = true, description = "the AOT cache to write")
	Path cache = Path.of("");

	@Option(names = "--java-option", description = "a JVM option for the gateway, besides JAVA_TOOL_OPTIONS; repeat")
	List<String> javaOptions = new ArrayList<>();

	@Option(names = "--users", description = "users, two devices each (default: ${DEFAULT-VALUE})")
	int users = 1000;

	@Option(names = "--rate", description = "pushes per second over all users (default: ${DEFAULT-VALUE})")
	int rate = 200;

	@Option(names = "--duration", converter = DurationConverter.class,
			description = "how long the load pushes, after a 5 s warm-up (default: 10s)")
	Duration duration = Duration.ofSeconds(10);

	@Option(names = "--logs",
			description = "folder for the gateway's and the databases' logs (default: a new one in "
					+ "the temporary folder)")
	@Nullable Path logs;

	public static void main(String[] args) {
		System.exit(new CommandLine(new GatewayTraining()).execute(args));
	}

	@Override
	public Integer call() throws IOException, InterruptedException {
		if (!Files.isRegularFile(this.jar)) {
			throw new CommandLine.ParameterException(new CommandLine(this),
					"--jar " + this.jar + " is not a file: give the extracted gateway jar");
		}
		long started = System.nanoTime();
		try {
			train();
		}
		catch (TrainingFailed ex) {
			System.err.println("Training failed: " + ex.getMessage() + "; last lines of " + ex.log + ":");
			System.err.println(Gateway.tail(ex.log, 30));
			return 1;
		}
		catch (IOException ex) {
			// Starting a process, or writing in --logs or beside --cache.
			System.err.println("Training failed: " + ex);
			return 1;
		}
		System.out.printf(Locale.ROOT, "Done in %d s: start the gateway with -XX:AOTCache=%s%n",
				TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), this.cache);
		return 0;
	}

	private void train() throws IOException, InterruptedException {
		Path logs = (this.logs != null) ? Files.createDirectories(this.logs)
				: Files.createTempDirectory("gateway-training");
		Files.deleteIfExists(this.cache);
		System.out.printf(Locale.ROOT, "Training an AOT cache for %s (logs in %s)%n", this.jar, logs);
		try (TrainingDatabases databases = startDatabases(logs)) {
			int port = TrainingDatabases.freePort();
			int jwksPort = TrainingDatabases.freePort();
			Gateway training = Gateway.start(command(port, jwksPort, databases, "-XX:AOTCacheOutput=" + this.cache),
					port, logs.resolve("gateway-training.log"));
			int load;
			try {
				training.awaitReady(READY_TIMEOUT);
				load = new CommandLine(new DeliveryLoad()).execute("--system=training",
						"--url=ws://127.0.0.1:" + port + "/v1/sync", "--jwks-port=" + jwksPort, "--users=" + this.users,
						"--devices-per-user=2", "--rate=" + this.rate, "--duration=" + this.duration.toMillis() + "ms",
						"--warmup=5s", "--clip-bytes=100");
			}
			finally {
				System.out.println("Stopping the gateway; its JVM writes the cache as it exits ...");
				training.stop(EXIT_TIMEOUT);
			}
			if (load != 0) {
				throw new TrainingFailed("the training load failed (exit " + load + ")", training.log());
			}
			if (!Files.isRegularFile(this.cache) || Files.size(this.cache) == 0) {
				throw new TrainingFailed("the gateway exited without writing " + this.cache, training.log());
			}
			System.out.printf(Locale.ROOT, "Wrote %s (%,d MB); checking that the gateway starts with it ...%n",
					this.cache, Files.size(this.cache) >> 20);
			Gateway check = Gateway.start(
					command(port, jwksPort, databases, "-XX:AOTMode=on", "-XX:AOTCache=" + this.cache), port,
					logs.resolve("gateway-check.log"));
			try {
				check.awaitReady(READY_TIMEOUT);
			}
			finally {
				check.stop(EXIT_TIMEOUT);
			}
		}
	}

	private static TrainingDatabases startDatabases(Path logs) {
		try {
			return TrainingDatabases.start(logs);
		}
		catch (IOException | RuntimeException ex) {
			// initdb needs a user it can look up (an /etc/passwd entry) and both servers
			// a writable temporary folder: the usual causes in an image build.
			throw new TrainingFailed(
					"could not start the training's PostgreSQL and Redis (" + ex.getMessage()
							+ "); run it as a user known to /etc/passwd, with a writable java.io.tmpdir",
					logs.resolve("postgres.log"));
		}
	}

	private List<String> command(int port, int jwksPort, TrainingDatabases databases, String... cacheOptions) {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(this.javaOptions);
		command.addAll(List.of(cacheOptions));
		command.addAll(List.of("-jar", this.jar.toString(), "--server.port=" + port,
				"--spring.datasource.url=" + databases.jdbcUrl(), "--spring.datasource.username=postgres",
				"--spring.data.redis.url=" + databases.redisUrl(),
				"--clipsync.tokens.jwks-uri=http://127.0.0.1:" + jwksPort + "/.well-known/jwks.json",
				"--logging.structured.format.console="));
		return command;
	}

	/** A gateway process, its output in a log file. */
	private record Gateway(Process process, int port, Path log) {

		private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

		static Gateway start(List<String> command, int port, Path log) throws IOException {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			return new Gateway(process, port, log);
		}

		void awaitReady(Duration timeout) throws InterruptedException {
			HttpRequest readiness = HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health/readiness"))
				.timeout(Duration.ofSeconds(2))
				.build();
			long deadline = System.nanoTime() + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new TrainingFailed("the gateway exited (status " + this.process.exitValue() + ")", this.log);
				}
				try {
					if (http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
						return;
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
				Thread.sleep(500);
			}
			throw new TrainingFailed("the gateway was not ready within " + timeout.toSeconds() + " s", this.log);
		}

		/**
		 * SIGTERM, as a container stop sends: the JVM shuts down and writes its cache.
		 */
		void stop(Duration timeout) throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
				throw new TrainingFailed("the gateway did not exit within " + timeout.toSeconds() + " s", this.log);
			}
		}

		static String tail(Path log, int lines) {
			try {
				List<String> all = Files.readAllLines(log);
				return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
			}
			catch (IOException ex) {
				return "(unreadable: " + ex.getMessage() + ")";
			}
		}

	}

	/** The training stops here; the log says why. */
	private static final class TrainingFailed extends RuntimeException {

		private final Path log;

		TrainingFailed(String message, Path log) {
			super(message);
			this.log = log;
		}

	}

}
