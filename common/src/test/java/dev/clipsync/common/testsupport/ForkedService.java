package dev.clipsync.common.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A service in a process of its own, as it runs in production, so a test can kill it
 * without a word (SIGKILL) as a crashed machine would and start it again on the same
 * port, or run services that do not share a classpath.
 */
public final class ForkedService implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

	private final List<String> command;

	private final int port;

	private final Path log;

	private volatile @Nullable Process process;

	private ForkedService(List<String> command, int port, Path log) {
		this.command = command;
		this.port = port;
		this.log = log;
	}

	/**
	 * Start a Spring Boot application of this test's classpath in another JVM.
	 * @param mainClass the application's main class
	 * @param properties its settings, as command-line arguments
	 * @return the service, ready
	 */
	public static ForkedService fromClasspath(String mainClass, Map<String, Object> properties) {
		return start(List.of("-cp", System.getProperty("java.class.path"), mainClass), properties, null);
	}

	/**
	 * Start a service from its executable jar, copied first so a build running meanwhile
	 * cannot change it under the running process.
	 * @param jar the jar
	 * @param properties its settings, as command-line arguments
	 * @return the service, ready
	 */
	public static ForkedService fromJar(Path jar, Map<String, Object> properties) {
		return fromJar(jar, properties, null);
	}

	/**
	 * Start a service from its executable jar, its output appended to a file of the
	 * test's choosing (across restarts).
	 * @param jar the jar
	 * @param properties its settings, as command-line arguments
	 * @param log where its output goes; {@code null} for a temporary file
	 * @return the service, ready
	 */
	public static ForkedService fromJar(Path jar, Map<String, Object> properties, @Nullable Path log) {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " is missing: build it first (./mvnw package)");
		}
		try {
			Path copy = Files.createTempFile("clipsync-service", ".jar");
			copy.toFile().deleteOnExit();
			Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
			return start(List.of("-jar", copy.toString()), properties, log);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ForkedService start(List<String> launch, Map<String, Object> properties, @Nullable Path log) {
		Path output = log;
		if (output == null) {
			// Its log goes to a file, so a service that does not come up can say why.
			try {
				output = Files.createTempFile("clipsync-forked-", ".log");
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			output.toFile().deleteOnExit();
		}
		// A free port can be taken by another process before the service binds it (tests
		// of other modules run beside this one): then it starts again on another.
		for (int attempt = 1;; attempt++) {
			int port = TestInfrastructure.freePort();
			List<String> command = new ArrayList<>();
			command.add(ProcessHandle.current().info().command().orElse("java"));
			// A test's service starts often and runs briefly: C1's code and the serial
			// collector start it sooner and leave the cores to the other processes.
			command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
			command.addAll(launch);
			properties.forEach((key, value) -> {
				if (!"server.port".equals(key)) {
					command.add("--" + key + "=" + value);
				}
			});
			command.add("--server.port=" + port);
			ForkedService service = new ForkedService(List.copyOf(command), port, output);
			try {
				service.startAgain();
				return service;
			}
			catch (IllegalStateException ex) {
				if (attempt == 3 || !service.logTail().contains("Port " + port + " was already in use")) {
					throw ex;
				}
			}
		}
	}

	/**
	 * Start the service again after {@link #kill()}: same jar, same settings, same port,
	 * as a restarted pod or a supervisor would.
	 */
	public synchronized void startAgain() {
		Process previous = this.process;
		if (previous != null && previous.isAlive()) {
			throw new IllegalStateException("still running on port " + this.port + ": kill it first");
		}
		Process started;
		try {
			started = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.process = started;
		awaitReady(started, READY_TIMEOUT);
	}

	public int port() {
		return this.port;
	}

	public URI syncUri() {
		return URI.create("ws://127.0.0.1:" + this.port + "/v1/sync");
	}

	/** SIGKILL: no drain, no close frames, nothing. */
	public void kill() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroyForcibly();
		try {
			running.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		kill();
	}

	private void awaitReady(Process process, Duration timeout) {
		HttpClient http = HttpClient.newHttpClient();
		URI readiness = URI.create("http://127.0.0.1:" + this.port + "/actuator/health/readiness");
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException(
						"forked service exited with " + process.exitValue() + "; its log ends:\n" + logTail());
			}
			try {
				HttpResponse<Void> response = http.send(HttpRequest.newBuilder(readiness).build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		kill();
		throw new IllegalStateException("forked service not ready within " + timeout + "; its log ends:\n" + logTail());
	}

	private String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

}
