package dev.clipsync.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL from binaries on Maven Central, with its data in the data directory, so
 * accounts and clips survive a restart.
 */
final class LocalPostgres implements AutoCloseable {

	static final String DATABASE = "clipsync";

	private final EmbeddedPostgres server;

	private final int port;

	private LocalPostgres(EmbeddedPostgres server, int port) {
		this.server = server;
		this.port = port;
	}

	static LocalPostgres start(Path dataDir, int port) throws IOException, SQLException {
		Path data = dataDir.resolve("postgres");
		Files.createDirectories(data);
		EmbeddedPostgres server = EmbeddedPostgres.builder()
			.setPort(port)
			.setDataDirectory(data)
			.setCleanDataDirectory(false)
			.setRegisterShutdownHook(false)
			.start();
		LocalPostgres postgres = new LocalPostgres(server, port);
		postgres.createDatabaseIfMissing();
		return postgres;
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + DATABASE;
	}

	private void createDatabaseIfMissing() throws SQLException {
		try (Connection connection = DriverManager
			.getConnection("jdbc:postgresql://127.0.0.1:" + this.port + "/postgres?user=postgres");
				ResultSet exists = connection.createStatement()
					.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
			if (!exists.next()) {
				connection.createStatement().execute("create database " + DATABASE);
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

}
