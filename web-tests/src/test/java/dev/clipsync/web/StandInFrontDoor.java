package dev.clipsync.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.clipsync.common.testsupport.TestInfrastructure;

/**
 * Until the local fleet's own front door serves web/ (issue 11), the development server
 * in web-tests/tools stands in for it: web/ with the front door's headers, the API routed
 * by path to the fleet's services.
 */
final class StandInFrontDoor implements AutoCloseable {

	private final Process process;

	private final int port = TestInfrastructure.freePort();

	StandInFrontDoor(Path repository, LocalFleet fleet) throws Exception {
		this.process = new ProcessBuilder(List.of("node",
				repository.resolve("web-tests/tools/dev-server.mjs").toString(), Integer.toString(this.port),
				Integer.toString(fleet.ports[1]), Integer.toString(fleet.ports[2]), Integer.toString(fleet.ports[4])))
			.redirectErrorStream(true)
			.start();
		CompletableFuture<Void> listening = new CompletableFuture<>();
		Thread.ofVirtual().start(() -> {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					if (line.startsWith("web client on")) {
						listening.complete(null);
					}
				}
			}
			catch (IOException ex) {
				// gone
			}
			listening.completeExceptionally(new IllegalStateException("the stand-in front door stopped"));
		});
		listening.get(30, TimeUnit.SECONDS);
	}

	String origin() {
		return "http://127.0.0.1:" + this.port;
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		this.process.waitFor(10, TimeUnit.SECONDS);
	}

}
