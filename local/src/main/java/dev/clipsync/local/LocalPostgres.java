package dev.clipsync.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL from binaries on Maven Central, with its data in the data directory, so
 * accounts and clips survive a restart. Durable by default: the embedded library starts
 * PostgreSQL with fsync off (it is made for tests); here fsync and synchronous commit are
 * switched back on, so an acknowledged clip survives a crash or a power cut.
 */
final class LocalPostgres implements AutoCloseable {

	static final String DATABASE = "clipsync";

	private final EmbeddedPostgres server;

	private final int port;

	private final Path data;

	private LocalPostgres(EmbeddedPostgres server, int port, Path data) {
		this.server = server;
		this.port = port;
		this.data = data;
	}

	static LocalPostgres start(Path dataDir, int port, boolean durable, int maxConnections, Path logs)
			throws IOException, SQLException {
		Path data = dataDir.resolve("postgres");
		Files.createDirectories(data);
		String onOrOff = durable ? "on" : "off";
		// initdb's and the server's chatter go to the log file, not the console
		ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logs.resolve("postgres.log").toFile());
		EmbeddedPostgres server = EmbeddedPostgres.builder()
			.setPort(port)
			.setDataDirectory(data)
			.setCleanDataDirectory(false)
			.setRegisterShutdownHook(false)
			// "-c fsync=on" comes after the library's "-F" (fsync off) and wins
			.setServerConfig("fsync", onOrOff)
			.setServerConfig("synchronous_commit", onOrOff)
			.setServerConfig("full_page_writes", onOrOff)
			// one person's clips: a small cache (the default is 128 MB) and as many
			// connections as the fleet's pools can open
			.setServerConfig("shared_buffers", "16MB")
			.setServerConfig("max_connections", Integer.toString(maxConnections))
			.setOutputRedirector(log)
			.setErrorRedirector(log)
			.start();
		LocalPostgres postgres = new LocalPostgres(server, port, data);
		postgres.createDatabaseIfMissing();
		return postgres;
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + DATABASE;
	}

	Path dataDirectory() {
		return this.data;
	}

	private void createDatabaseIfMissing() throws SQLException {
		try (Connection connection = DriverManager
			.getConnection("jdbc:postgresql://127.0.0.1:" + this.port + "/postgres?user=postgres");
				Statement statement = connection.createStatement();
				ResultSet exists = statement
					.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
			if (!exists.next()) {
				statement.execute("create database " + DATABASE);
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

}
