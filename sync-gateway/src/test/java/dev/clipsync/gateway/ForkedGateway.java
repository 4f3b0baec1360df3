package dev.clipsync.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.clipsync.common.testsupport.TestInfrastructure;

/**
 * A sync-gateway in a process of its own, so a test can kill it without a word (SIGKILL),
 * as a crashed machine would.
 */
public final class ForkedGateway implements AutoCloseable {

	private final Process process;

	private final int port;

	private ForkedGateway(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	public static ForkedGateway start(Map<String, Object> properties) {
		int port = TestInfrastructure.freePort();
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx256m");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SyncGatewayApplication.class.getName());
		properties.forEach((key, value) -> {
			if (!"server.port".equals(key)) {
				command.add("--" + key + "=" + value);
			}
		});
		command.add("--server.port=" + port);
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			ForkedGateway gateway = new ForkedGateway(process, port);
			gateway.awaitReady(Duration.ofSeconds(60));
			return gateway;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
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
				throw new IllegalStateException("forked gateway exited with " + this.process.exitValue());
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
		throw new IllegalStateException("forked gateway not ready within " + timeout);
	}

}
