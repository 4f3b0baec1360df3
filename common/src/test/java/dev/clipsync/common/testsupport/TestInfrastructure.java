package dev.clipsync.common.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import redis.embedded.RedisServer;

/**
 * Finds or starts real PostgreSQL and Redis servers, once per JVM, in this order:
 * <ol>
 * <li>{@code CLIPSYNC_TEST_POSTGRES_URL} (a JDBC URL of a database the user may create
 * databases from, credentials as {@code user} and {@code password} parameters) and
 * {@code CLIPSYNC_TEST_REDIS_URL} ({@code redis://host:port});</li>
 * <li>Testcontainers ({@code postgres:17}, {@code redis:7}) when a Docker engine
 * answers;</li>
 * <li>embedded: PostgreSQL binaries from Maven Central (zonky), and Redis from the
 * machine's {@code redis-server} if on the PATH, else the binaries of
 * embedded-redis.</li>
 * </ol>
 * Each run gets a database created for it (dropped at exit) and a Redis key prefix of its
 * own.
 */
public final class TestInfrastructure {

	private static final Logger logger = LoggerFactory.getLogger(TestInfrastructure.class);

	private static final String RUN_ID = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

	private static TestPostgres postgres;

	private static TestRedis redis;

	private TestInfrastructure() {
	}

	/**
	 * A fresh database for this run.
	 * @return the database
	 */
	public static synchronized TestPostgres postgres() {
		if (postgres == null) {
			postgres = createDatabase(findPostgresServer());
			logger.info("Tests use PostgreSQL database {} ({})", postgres.jdbcUrl(), postgres.origin());
		}
		return postgres;
	}

	/**
	 * A Redis server and a key prefix for this run.
	 * @return the server
	 */
	public static synchronized TestRedis redis() {
		if (redis == null) {
			redis = findRedisServer();
			logger.info("Tests use Redis {} with key prefix {} ({})", redis.url(), redis.keyPrefix(), redis.origin());
		}
		return redis;
	}

	private static TestPostgres findPostgresServer() {
		String url = System.getenv("CLIPSYNC_TEST_POSTGRES_URL");
		if (url != null && !url.isBlank()) {
			return new TestPostgres(url, "", "", "CLIPSYNC_TEST_POSTGRES_URL");
		}
		if (dockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:17");
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
			return new TestPostgres(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
					"Testcontainers postgres:17");
		}
		try {
			EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(embedded)));
			return new TestPostgres(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "", "embedded PostgreSQL");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start embedded PostgreSQL", ex);
		}
	}

	private static TestPostgres createDatabase(TestPostgres server) {
		String database = "clipsync_test_" + RUN_ID;
		try (Connection connection = connect(server); Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + database);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create test database on " + server.jdbcUrl(), ex);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> dropDatabase(server, database)));
		return new TestPostgres(withDatabase(server.jdbcUrl(), database), server.username(), server.password(),
				server.origin());
	}

	private static void dropDatabase(TestPostgres server, String database) {
		try (Connection connection = connect(server); Statement statement = connection.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
		}
		catch (SQLException ex) {
			// The server may already be gone (embedded or container stopped first).
		}
	}

	private static Connection connect(TestPostgres server) throws SQLException {
		Properties properties = new Properties();
		if (!server.username().isEmpty()) {
			properties.setProperty("user", server.username());
			properties.setProperty("password", server.password());
		}
		return DriverManager.getConnection(server.jdbcUrl(), properties);
	}

	/** Replace the database of a JDBC URL, keeping its host, port and parameters. */
	static String withDatabase(String jdbcUrl, String database) {
		URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		String query = (uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "";
		return "jdbc:" + uri.getScheme() + "://" + uri.getRawAuthority() + "/" + database + query;
	}

	private static TestRedis findRedisServer() {
		String prefix = "cs-test-" + RUN_ID;
		String url = System.getenv("CLIPSYNC_TEST_REDIS_URL");
		if (url != null && !url.isBlank()) {
			URI uri = URI.create(url);
			return new TestRedis(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 6379, prefix,
					"CLIPSYNC_TEST_REDIS_URL");
		}
		if (dockerAvailable()) {
			GenericContainer<?> container = new GenericContainer<>("redis:7").withExposedPorts(6379);
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
			return new TestRedis(container.getHost(), container.getMappedPort(6379), prefix, "Testcontainers redis:7");
		}
		int port = freePort();
		Path machineRedis = onPath("redis-server");
		if (machineRedis != null) {
			startRedisProcess(machineRedis, port);
			return new TestRedis("127.0.0.1", port, prefix, "redis-server from PATH");
		}
		try {
			RedisServer server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1").build();
			server.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					server.stop();
				}
				catch (IOException ex) {
					// exiting anyway
				}
			}));
			return new TestRedis("127.0.0.1", port, prefix, "embedded-redis");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start embedded Redis", ex);
		}
	}

	private static void startRedisProcess(Path executable, int port) {
		try {
			Process process = new ProcessBuilder(List.of(executable.toString(), "--port", Integer.toString(port),
					"--bind", "127.0.0.1", "--save", "", "--appendonly", "no"))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
			awaitPort(port, Duration.ofSeconds(10), process);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + executable, ex);
		}
	}

	private static void awaitPort(int port, Duration timeout, Process process) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("redis-server exited with " + process.exitValue());
			}
			try (Socket socket = new Socket("127.0.0.1", port)) {
				return;
			}
			catch (IOException ex) {
				sleep(50);
			}
		}
		throw new IllegalStateException("redis-server did not listen on port " + port + " within " + timeout);
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	static Path onPath(String executable) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(directory, executable);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * A port nothing listens on right now.
	 * @return the port
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("No free port", ex);
		}
	}

	private static void sleep(long millis) {
		try {
			TimeUnit.MILLISECONDS.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// exiting anyway
		}
	}

}
