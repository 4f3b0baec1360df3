package dev.clipsync.local;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import redis.embedded.RedisServer;

/**
 * Redis for the local fleet: the machine's {@code redis-server} when on the PATH, else
 * the binaries of embedded-redis, writing an append-only file in the data directory so
 * the state Redis keeps (presence, event streams) survives a restart too.
 */
final class LocalRedis implements AutoCloseable {

	private final int port;

	private Process process;

	private RedisServer embedded;

	private LocalRedis(int port) {
		this.port = port;
	}

	static LocalRedis start(Path dataDir, int port, boolean durable, Path logs) throws IOException {
		Path data = dataDir.resolve("redis");
		Files.createDirectories(data);
		LocalRedis redis = new LocalRedis(port);
		Path executable = Detached.onPath("redis-server");
		String fsync = durable ? "everysec" : "no";
		if (executable != null) {
			redis.process = new ProcessBuilder(Detached.command(List.of(executable.toString(), "--port",
					Integer.toString(port), "--bind", "127.0.0.1", "--dir", data.toAbsolutePath().toString(),
					"--appendonly", "yes", "--appendfsync", fsync, "--save", "")))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("redis.log").toFile()))
				.start();
		}
		else {
			redis.embedded = RedisServer.newRedisServer()
				.port(port)
				.setting("bind 127.0.0.1")
				.setting("dir " + data.toAbsolutePath())
				.setting("appendonly yes")
				.setting("appendfsync " + fsync)
				.build();
			redis.embedded.start();
		}
		redis.awaitListening();
		return redis;
	}

	String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	private void awaitListening() throws IOException {
		long deadline = System.nanoTime() + 10_000_000_000L;
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
					break;
				}
			}
		}
		throw new IOException("Redis did not start on port " + this.port);
	}

	/** The Redis process, for the watchdog; the launcher's own pid for embedded Redis. */
	long pid() {
		return (this.process != null) ? this.process.pid() : ProcessHandle.current().pid();
	}

	@Override
	public void close() throws IOException {
		if (this.process != null) {
			this.process.destroy();
			try {
				this.process.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (this.embedded != null) {
			this.embedded.stop();
		}
	}

}
