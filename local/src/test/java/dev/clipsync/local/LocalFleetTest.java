package dev.clipsync.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.common.testsupport.TestInfrastructure;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-command fleet, run as a person runs it: a process started from the command
 * line, used through the discovery URL, stopped with a signal, started again on the same
 * data.
 */
class LocalFleetTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path data;

	@Test
	void aBusyPortIsNamedInsteadOfAStackTrace() throws Exception {
		try (ServerSocket taken = new ServerSocket(0)) {
			Fleet fleet = Fleet.start(this.data, ports(taken.getLocalPort()));
			assertThat(fleet.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(fleet.process.exitValue()).isEqualTo(2);
			assertThat(fleet.output()).contains("port " + taken.getLocalPort() + " (--auth-port)")
				.doesNotContain("Exception");
		}
	}

	@Test
	void theWholeFleetRunsFromOneCommandKeepsItsDataAndLeavesNothingBehind() throws Exception {
		int[] ports = ports(0);
		String email = "local-" + UUID.randomUUID() + "@example.com";
		List<ProcessHandle> children;
		{
			Fleet fleet = Fleet.start(this.data, ports);
			fleet.awaitRunning();
			JsonNode discovery = getJson("http://127.0.0.1:" + ports[0] + "/.well-known/clipsync", null);
			String auth = discovery.get("auth").asString();
			post(auth + "/register", Map.of("email", email, "password", "correct horse"), null);
			JsonNode laptop = post(auth + "/login", Map.of("email", email, "password", "correct horse", "device",
					Map.of("name", "Laptop", "platform", "linux")), null);
			JsonNode phone = post(auth + "/login", Map.of("email", email, "password", "correct horse", "device",
					Map.of("name", "Phone", "platform", "android")), null);
			URI sync = URI.create(discovery.get("sync").asString());
			URI otherGateway = URI.create("ws://127.0.0.1:" + ports[3] + "/v1/sync");
			try (SyncClient onLaptop = SyncClient.connect(sync, laptop.get("accessToken").asString());
					SyncClient onPhone = SyncClient.connect(otherGateway, phone.get("accessToken").asString())) {
				onPhone.send(Map.of("type", "sync", "after", 0));
				onPhone.next("synced");
				onLaptop.push("copied on the laptop");
				onLaptop.next("ack");
				assertThat(onPhone.next("clip").get("data").asString()).isEqualTo("copied on the laptop");
				// presence learns of connections from the gateways' events: a moment
				// later
				String presence = discovery.get("presence").asString();
				Awaitility.await()
					.atMost(Duration.ofSeconds(20))
					.untilAsserted(
							() -> assertThat(getJson(presence, laptop.get("accessToken").asString()).get("devices")
								.findValuesAsString("name")).contains("Laptop", "Phone"));
			}
			children = fleet.process.descendants().toList();
			assertThat(children).hasSizeGreaterThanOrEqualTo(4);
			fleet.stop();
			for (ProcessHandle child : children) {
				child.onExit().get(30, TimeUnit.SECONDS);
				assertThat(child.isAlive()).as("%s", child.info().commandLine()).isFalse();
			}
		}
		// again, on the same data: the account, its clip and its tokens are still there
		Fleet again = Fleet.start(this.data, ports);
		try {
			again.awaitRunning();
			JsonNode discovery = getJson("http://127.0.0.1:" + ports[0] + "/.well-known/clipsync", null);
			JsonNode login = post(discovery.get("auth").asString() + "/login", Map.of("email", email, "password",
					"correct horse", "device", Map.of("name", "Tablet", "platform", "ios")), null);
			JsonNode clips = getJson(discovery.get("clips").asString(), login.get("accessToken").asString());
			assertThat(clips.get("clips").findValuesAsString("data")).containsExactly("copied on the laptop");
		}
		finally {
			again.stop();
		}
	}

	/** Free ports: discovery, auth, gateway 1, gateway 2, presence, postgres, redis. */
	private static int[] ports(int authPort) {
		int[] ports = new int[7];
		for (int i = 0; i < ports.length; i++) {
			ports[i] = TestInfrastructure.freePort();
		}
		if (authPort != 0) {
			ports[1] = authPort;
		}
		return ports;
	}

	private static JsonNode getJson(String url, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(url).isEqualTo(200);
		return SyncClient.json.readTree(response.body());
	}

	private static JsonNode post(String url, Object body, String token) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(SyncClient.json.writeValueAsString(body)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(url + " " + response.body()).isBetween(200, 201);
		return SyncClient.json.readTree(response.body());
	}

	/** The launcher in a process of its own, as `./clipsync-local` runs it. */
	private static final class Fleet {

		final Process process;

		private final List<String> lines = new ArrayList<>();

		private final CompletableFuture<Void> running = new CompletableFuture<>();

		private Fleet(Process process) {
			this.process = process;
			Thread.ofVirtual().start(() -> {
				try (BufferedReader reader = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = reader.readLine()) != null) {
						synchronized (this.lines) {
							this.lines.add(line);
						}
						if (line.startsWith("ClipSync is running")) {
							this.running.complete(null);
						}
					}
				}
				catch (IOException ex) {
					// the process is gone
				}
				this.running.completeExceptionally(new IllegalStateException("the fleet stopped:\\n" + output()));
			});
		}

		static Fleet start(Path data, int[] ports) throws IOException {
			Files.createDirectories(data);
			List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
					System.getProperty("java.class.path"), LocalFleet.class.getName(), "--data", data.toString(),
					"--repository", System.getProperty("clipsync.repository"), "--port", Integer.toString(ports[0]),
					"--auth-port", Integer.toString(ports[1]), "--gateway-ports", ports[2] + "," + ports[3],
					"--presence-port", Integer.toString(ports[4]), "--postgres-port", Integer.toString(ports[5]),
					"--redis-port", Integer.toString(ports[6]));
			return new Fleet(new ProcessBuilder(command).redirectErrorStream(true).start());
		}

		void awaitRunning() throws Exception {
			this.running.get(5, TimeUnit.MINUTES);
		}

		/**
		 * Like Ctrl-C: a signal the launcher handles by stopping everything it started.
		 */
		void stop() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(2, TimeUnit.MINUTES)) {
				this.process.destroyForcibly();
			}
		}

		String output() {
			synchronized (this.lines) {
				return String.join("\n", this.lines);
			}
		}

	}

}
