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

/**
 * A service in a process of its own, as it runs in production, so a test can kill it
 * without a word (SIGKILL) as a crashed machine would, or run services that do not share
 * a classpath.
 */
public final class ForkedService implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private ForkedService(Process process, int port, Path log) {
		this.process = process;
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
		return start(List.of("-cp", System.getProperty("java.class.path"), mainClass), properties);
	}

	/**
	 * Start a service from its executable jar, copied first so a build running meanwhile
	 * cannot change it under the running process.
	 * @param jar the jar
	 * @param properties its settings, as command-line arguments
	 * @return the service, ready
	 */
	public static ForkedService fromJar(Path jar, Map<String, Object> properties) {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " is missing: build it first (./mvnw package)");
		}
		try {
			Path copy = Files.createTempFile("clipsync-service", ".jar");
			copy.toFile().deleteOnExit();
			Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
			return start(List.of("-jar", copy.toString()), properties);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ForkedService start(List<String> launch, Map<String, Object> properties) {
		int port = TestInfrastructure.freePort();
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx256m");
		command.addAll(launch);
		properties.forEach((key, value) -> {
			if (!"server.port".equals(key)) {
				command.add("--" + key + "=" + value);
			}
		});
		command.add("--server.port=" + port);
		try {
			// Its log goes to a file, so a service that does not come up can say why.
			Path log = Files.createTempFile("clipsync-forked-", ".log");
			log.toFile().deleteOnExit();
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			ForkedService gateway = new ForkedService(process, port, log);
			gateway.awaitReady(Duration.ofSeconds(120));
			return gateway;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	public URI syncUri() {
		return URI.create("ws://127.0.0.1:" + this.port + "/v1/sync");
	}

	/** SIGKILL: no drain, no close frames, nothing. */
	public void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		kill();
	}

	private void awaitReady(Duration timeout) {
		HttpClient http = HttpClient.newHttpClient();
		URI readiness = URI.create("http://127.0.0.1:" + this.port + "/actuator/health/readiness");
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						"forked service exited with " + this.process.exitValue() + "; its log ends:\n" + logTail());
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
