package dev.clipsync.common.testsupport;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import redis.embedded.RedisServer;

/**
 * A Redis server of a test's own, which the test may stop and start again on the same
 * port to see what an outage does. The machine's {@code redis-server} when on the PATH,
 * else the binaries of embedded-redis.
 */
public final class PrivateRedis implements AutoCloseable {

	private final int port;

	private Process process;

	private RedisServer embedded;

	private PrivateRedis(int port) {
		this.port = port;
	}

	public static PrivateRedis start() {
		PrivateRedis redis = new PrivateRedis(TestInfrastructure.freePort());
		redis.startAgain();
		return redis;
	}

	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	public synchronized void startAgain() {
		Path executable = TestInfrastructure.onPath("redis-server");
		try {
			if (executable != null) {
				this.process = new ProcessBuilder(List.of(executable.toString(), "--port", Integer.toString(this.port),
						"--bind", "127.0.0.1", "--save", "", "--appendonly", "no"))
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
			}
			else {
				this.embedded = RedisServer.newRedisServer().port(this.port).setting("bind 127.0.0.1").build();
				this.embedded.start();
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start Redis on port " + this.port, ex);
		}
		awaitListening(Duration.ofSeconds(10));
	}

	/** Kill the server at once, as a crash would. */
	public synchronized void stop() {
		if (this.process != null) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.process = null;
		}
		if (this.embedded != null) {
			try {
				this.embedded.stop();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			this.embedded = null;
		}
	}

	@Override
	public void close() {
		stop();
	}

	private void awaitListening(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket("127.0.0.1", this.port)) {
				return;
			}
			catch (IOException ex) {
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
		throw new IllegalStateException("Redis did not listen on port " + this.port);
	}

}
