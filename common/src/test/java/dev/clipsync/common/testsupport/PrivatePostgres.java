package dev.clipsync.common.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of a test's own (embedded binaries), which the test may stop and
 * start again on the same port and data, to see what a database outage does.
 */
public final class PrivatePostgres implements AutoCloseable {

	private final int port;

	private final Path data;

	private EmbeddedPostgres server;

	private PrivatePostgres(int port, Path data) {
		this.port = port;
		this.data = data;
	}

	public static PrivatePostgres start() {
		try {
			PrivatePostgres postgres = new PrivatePostgres(TestInfrastructure.freePort(),
					Files.createTempDirectory("clipsync-pg"));
			postgres.startAgain();
			return postgres;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres";
	}

	public synchronized void startAgain() {
		try {
			this.server = EmbeddedPostgres.builder()
				.setPort(this.port)
				.setDataDirectory(this.data)
				.setCleanDataDirectory(false)
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public synchronized void stop() {
		if (this.server != null) {
			try {
				this.server.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.server = null;
		}
	}

	@Override
	public void close() {
		stop();
	}

}
