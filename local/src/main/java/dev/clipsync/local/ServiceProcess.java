package dev.clipsync.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service of the fleet, run from its jar in a JVM of its own, its output in the data
 * directory's logs.
 */
final class ServiceProcess implements AutoCloseable {

	private final String name;

	private final Process process;

	private final int port;

	private final long startedAt = System.nanoTime();

	/**
	 * Long enough to write the AOT cache (a JVM of its own) after the service has
	 * stopped.
	 */
	private final Duration stopTimeout;

	private ServiceProcess(String name, Process process, int port, Duration stopTimeout) {
		this.name = name;
		this.process = process;
		this.port = port;
		this.stopTimeout = stopTimeout;
	}

	static ServiceProcess start(String name, ServiceJars.Launch launch, int port, Map<String, String> settings,
			Map<String, String> environment, Path logs) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		// names the process in ps and for bench/footprint.sh
		command.add("-Dclipsync.local.service=" + name);
		command.addAll(launch.options());
		command.add("-jar");
		command.add(launch.jar().toAbsolutePath().toString());
		command.add("--server.port=" + port);
		command.add("--logging.structured.format.console=");
		settings.forEach((key, value) -> command.add("--" + key + "=" + value));
		ProcessBuilder builder = new ProcessBuilder(Detached.command(command));
		// Secrets go in the environment, not the command line other users can read.
		builder.environment().putAll(JvmOptions.environment());
		builder.environment().putAll(environment);
		Process process = builder.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()))
			.start();
		return new ServiceProcess(name, process, port,
				launch.recordsCache() ? Duration.ofMinutes(3) : Duration.ofSeconds(20));
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	long startedAt() {
		return this.startedAt;
	}

	/** Wait until the service says it is ready, or fail naming its log. */
	void awaitReady(Duration timeout, Path logs) throws IOException {
		HttpClient http = HttpClient.newHttpClient();
		URI readiness = URI.create("http://127.0.0.1:" + this.port + "/actuator/health/readiness");
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IOException(this.name + " exited with " + this.process.exitValue() + "; see "
						+ logs.resolve(this.name + ".log"));
			}
			try {
				if (http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
					.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted", ex);
			}
			sleep(250);
		}
		throw new IOException(this.name + " not ready within " + timeout + "; see " + logs.resolve(this.name + ".log"));
	}

	/**
	 * SIGTERM first, so it drains and shuts down cleanly; SIGKILL if it takes too long.
	 */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(this.stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
