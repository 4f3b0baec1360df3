package dev.clipsync.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.clipsync.common.testsupport.LaunchedFleet;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.common.testsupport.TestInfrastructure;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-command fleet, run as a person runs it: a process started from the command
 * line, used only through the one URL it prints, stopped with a signal, started again on
 * the same data, and finally killed hard. The services' own ports are touched only to
 * read the gateways' connection metrics and to show that forged forwarding headers are
 * not believed there either.
 */
class LocalFleetTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final String PASSWORD = "correct horse";

	/** auth-service's default registrations per client address per window. */
	private static final int REGISTRATIONS_PER_ADDRESS = 20;

	/** Five uploads of 24 MiB: more at once than the front door's direct memory holds. */
	private static final int BLOB_UPLOADS = 5;

	private static final int BLOB_BYTES = 24 * 1024 * 1024;

	@TempDir
	Path data;

	@Test
	void aBusyPortIsNamedInsteadOfAStackTrace() throws Exception {
		try (ServerSocket taken = new ServerSocket(0)) {
			LaunchedFleet fleet = launch(this.data, ports(taken.getLocalPort()));
			assertThat(fleet.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(fleet.process.exitValue()).isEqualTo(2);
			assertThat(fleet.output()).contains("port " + taken.getLocalPort() + " (--auth-port)")
				.doesNotContain("Exception");
		}
	}

	@Test
	void aSecondFleetOnTheSameDataFolderIsToldToChooseAnother() throws Exception {
		try (FileChannel channel = FileChannel.open(this.data.resolve("clipsync-local.lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE); FileLock held = channel.lock()) {
			LaunchedFleet second = launch(this.data, ports(0));
			assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(second.process.exitValue()).isEqualTo(2);
			assertThat(second.output()).contains("Another clipsync-local is already using")
				.contains("--data")
				.doesNotContain("Exception")
				.doesNotContain("epg-lock");
		}
	}

	@Test
	void theFleetIsOneUrlThatBalancesSurvivesAGatewayKilledKeepsItsDataAndLeavesNothingBehind() throws Exception {
		int[] ports = ports(0);
		String base = "http://127.0.0.1:" + ports[0];
		String ann = "ann-" + UUID.randomUUID() + "@example.com";
		LaunchedFleet fleet = launch(this.data, ports);
		fleet.awaitRunning(Duration.ofMinutes(10));
		assertThat(fleet.output()).contains("ClipSync is running at " + base)
			.contains("ready  front door")
			.doesNotContain("initdb")
			.doesNotContain("INFO");
		// auth-service and presence-service run in the launcher's JVM, each logging to
		// its own file, Tomcat's own lines (java.util.logging) included
		assertThat(fleet.process.descendants().map((child) -> child.info().commandLine().orElse("")))
			.noneMatch((command) -> command.contains("-Dclipsync.local.service=auth-service"))
			.noneMatch((command) -> command.contains("-Dclipsync.local.service=presence-service"));
		Path logs = this.data.resolve("logs");
		assertThat(logs.resolve("auth-service.log")).content()
			.contains("Started AuthServiceApplication")
			.contains("Starting service [Tomcat]")
			.doesNotContain("PresenceServiceApplication");
		assertThat(logs.resolve("presence-service.log")).content()
			.contains("Started PresenceServiceApplication")
			.contains("Starting service [Tomcat]")
			.doesNotContain("AuthServiceApplication");
		assertThat(logs.resolve("front-door.log")).content().doesNotContain("Starting service [Tomcat]");

		// discovery answers paths relative to the one URL; everything is reachable there
		JsonNode discovery = getJson(base + "/.well-known/clipsync", null);
		assertThat(discovery.get("sync").asString()).isEqualTo("/v1/sync");
		assertThat(discovery.get("auth").asString()).isEqualTo("/v1/auth");
		assertThat(getJson(base + discovery.get("jwks").asString(), null).get("keys")).isNotEmpty();
		HttpResponse<String> unknown = get(base + "/actuator/health", null);
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));

		// the web client, with its security headers
		HttpResponse<String> page = get(base + "/", null);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
				(csp) -> assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
		assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");

		// a handshake a gateway refuses reaches the client as the gateway answered it:
		// status, WWW-Authenticate and the problem detail saying why
		String refused = refusedHandshake(ports[0], "not-a-token");
		assertThat(refused).startsWith("HTTP/1.1 401")
			.containsIgnoringCase("WWW-Authenticate: Bearer error=\"invalid_token\"")
			.containsIgnoringCase("Content-Type: application/problem+json")
			.contains("\"code\":\"unauthorized\"")
			.contains("refresh it");

		post(base + "/v1/auth/register", Map.of("email", ann, "password", PASSWORD), null, 201);
		String laptop = login(base, ann, "Laptop");
		String phone = login(base, ann, "Phone");

		URI sync = URI.create(base.replace("http", "ws") + discovery.get("sync").asString());
		SyncClient onLaptop = SyncClient.connect(sync, laptop);
		// round-robin over the gateways in rotation: once the front door's health checks
		// have both, consecutive sockets alternate, so the phone lands on the other one
		SyncClient[] phoneSocket = { SyncClient.connect(sync, phone) };
		Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
			if (connections(ports[2]) == 1 && connections(ports[3]) == 1) {
				return true;
			}
			phoneSocket[0].close();
			Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> connections(ports[2]) + connections(ports[3]) == 1);
			phoneSocket[0] = SyncClient.connect(sync, phone);
			return false;
		});
		SyncClient onPhone = phoneSocket[0];

		onPhone.send(Map.of("type", "sync", "after", 0));
		onPhone.next("synced");
		onLaptop.push("copied on the laptop");
		long firstSeq = onLaptop.next("ack").get("seq").asLong();
		assertThat(onPhone.next("clip").get("data").asString()).isEqualTo("copied on the laptop");
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.untilAsserted(
					() -> assertThat(getJson(base + "/v1/presence", laptop).get("devices").findValuesAsString("name"))
						.contains("Laptop", "Phone"));

		// large uploads at once stream through the front door, which holds none of them
		// (its JVM has 64 MB of direct memory, as ./clipsync-local starts it), and a
		// download asks for a range
		byte[] blob = new byte[BLOB_BYTES];
		new Random(7).nextBytes(blob);
		List<CompletableFuture<HttpResponse<String>>> uploads = IntStream.range(0, BLOB_UPLOADS)
			.mapToObj((i) -> http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/blobs"))
				.header("Authorization", "Bearer " + laptop)
				.header("Content-Type", "application/octet-stream")
				.POST(HttpRequest.BodyPublishers.ofByteArray(blob))
				.build(), HttpResponse.BodyHandlers.ofString()))
			.toList();
		String blobId = null;
		for (CompletableFuture<HttpResponse<String>> upload : uploads) {
			HttpResponse<String> answer = upload.get(5, TimeUnit.MINUTES);
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
			blobId = SyncClient.json.readTree(answer.body()).get("blobId").asString();
		}
		HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/blobs/" + blobId))
			.header("Authorization", "Bearer " + phone)
			.header("Range", "bytes=0-15")
			.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(head.statusCode()).isEqualTo(206);
		assertThat(head.body()).isEqualTo(Arrays.copyOf(blob, 16));

		// SIGKILL one gateway: the device that was on it reconnects through the front
		// door to the other one and resumes from the last seq it holds, missing nothing
		ProcessHandle victim = fleet.gateway(2);
		victim.destroyForcibly();
		victim.onExit().get(30, TimeUnit.SECONDS);
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> onLaptop.isClosed() || onPhone.isClosed());
		boolean phoneWasThere = onPhone.isClosed();
		SyncClient stayed = phoneWasThere ? onLaptop : onPhone;
		assertThat(stayed.isClosed()).isFalse();
		stayed.push("pushed while the other was away");
		stayed.next("ack");
		try (SyncClient back = reconnect(sync, phoneWasThere ? phone : laptop)) {
			back.send(Map.of("type", "sync", "after", firstSeq));
			assertThat(back.next("clip").get("data").asString()).isEqualTo("pushed while the other was away");
			back.next("synced");
		}
		onLaptop.close();
		onPhone.close();

		// account deletion through the front door
		String bob = login(base, "bob-" + UUID.randomUUID() + "@example.com", null);
		assertThat(send(base + "/v1/account", "DELETE", Map.of("password", PASSWORD), bob).statusCode()).isEqualTo(204);

		// a forged X-Forwarded-For changes nothing: through the front door, nor on
		// auth-service's own port, every registration counts against this machine
		int used = 2; // ann and bob
		for (; used < REGISTRATIONS_PER_ADDRESS; used++) {
			register(base, "forged-" + used, 201);
		}
		assertThat(register(base, "forged-over", 429).headers().firstValue("Retry-After")).isPresent();
		register("http://127.0.0.1:" + ports[1], "forged-direct", 429);

		List<ProcessHandle> children = fleet.process.descendants().toList();
		fleet.close();
		for (ProcessHandle child : children) {
			child.onExit().get(60, TimeUnit.SECONDS);
			assertThat(child.isAlive()).as("%s", child.info().commandLine()).isFalse();
		}
		assertThat(fleet.output()).doesNotContain("Exception");

		// again, on the same data: the account and its history are still there
		LaunchedFleet again = launch(this.data, ports);
		again.awaitRunning(Duration.ofMinutes(10));
		String tablet = login(base, ann, "Tablet");
		assertThat(getJson(base + "/v1/clips?after=0", tablet).get("clips").findValuesAsString("data"))
			.containsExactly("copied on the laptop", "pushed while the other was away");

		// the launcher killed hard runs no shutdown hook: its watchdog stops the rest
		List<ProcessHandle> left = again.process.descendants().toList();
		// watchdog, Redis, two gateways
		assertThat(left).hasSizeGreaterThanOrEqualTo(4);
		again.process.destroyForcibly();
		Awaitility.await()
			.atMost(Duration.ofMinutes(2))
			.untilAsserted(() -> assertThat(
					left.stream().filter(ProcessHandle::isAlive).map((child) -> child.info().commandLine().orElse("?")))
				.isEmpty());
		Awaitility.await()
			.atMost(Duration.ofSeconds(60))
			.until(() -> !Files.exists(this.data.resolve("postgres").resolve("postmaster.pid")));
	}

	@Test
	void withSeparateProcessesEveryServiceIsAProcessOfItsOwn() throws Exception {
		int[] ports = ports(0);
		String base = "http://127.0.0.1:" + ports[0];
		try (LaunchedFleet fleet = launch(this.data, ports, "--separate-processes")) {
			fleet.awaitRunning(Duration.ofMinutes(10));
			assertThat(fleet.process.descendants().map((child) -> child.info().commandLine().orElse("")))
				.anyMatch((command) -> command.contains("-Dclipsync.local.service=auth-service "))
				.anyMatch((command) -> command.contains("-Dclipsync.local.service=presence-service "));
			String token = login(base, "sep-" + UUID.randomUUID() + "@example.com", null);
			assertThat(getJson(base + "/v1/presence", token).get("devices")).isNotNull();
		}
	}

	private static SyncClient reconnect(URI sync, String token) {
		// a client retries with backoff; the front door stops choosing a dead gateway
		// within its next health check
		SyncClient[] connected = new SyncClient[1];
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(300))
			.ignoreExceptions()
			.until(() -> {
				connected[0] = SyncClient.connect(sync, token);
				return true;
			});
		return connected[0];
	}

	private static HttpResponse<String> register(String base, String who, int status) throws Exception {
		return post(base + "/v1/auth/register",
				Map.of("email", who + "-" + UUID.randomUUID() + "@example.com", "password", PASSWORD),
				Map.of("X-Forwarded-For", "203.0.113." + (1 + (who.hashCode() & 0x7f)), "Forwarded",
						"for=198.51.100.7"),
				status);
	}

	private static String login(String base, String email, String device) throws Exception {
		if (device == null) {
			post(base + "/v1/auth/register", Map.of("email", email, "password", PASSWORD), null, 201);
			device = "Laptop";
		}
		HttpResponse<String> response = post(base + "/v1/auth/login",
				Map.of("email", email, "password", PASSWORD, "device", Map.of("name", device, "platform", "linux")),
				null, 200);
		return SyncClient.json.readTree(response.body()).get("accessToken").asString();
	}

	/** The gateway's own count of its WebSocket connections (Prometheus). */
	private static int connections(int gatewayPort) throws Exception {
		String metrics = get("http://127.0.0.1:" + gatewayPort + "/actuator/prometheus", null).body();
		Matcher matcher = Pattern.compile("(?m)^clipsync_gateway_connections(?:\\{[^}]*})? ([0-9.eE+-]+)$")
			.matcher(metrics);
		assertThat(matcher.find()).as("connections gauge of gateway %d", gatewayPort).isTrue();
		return (int) Double.parseDouble(matcher.group(1));
	}

	/**
	 * A WebSocket handshake written by hand (the JDK's client keeps a refusal's body to
	 * itself): the whole answer, status line, headers and body.
	 */
	private static String refusedHandshake(int port, String token) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(30_000);
			socket.getOutputStream()
				.write(("GET /v1/sync HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
						+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
						+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: clipsync.v1\r\n"
						+ "Authorization: Bearer " + token + "\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			StringBuilder answer = new StringBuilder();
			int length = 0;
			String line;
			while ((line = reader.readLine()) != null && !line.isEmpty()) {
				answer.append(line).append('\n');
				if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
					length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
				}
			}
			char[] body = new char[length];
			int read = 0;
			while (read < length) {
				int n = reader.read(body, read, length - read);
				if (n < 0) {
					break;
				}
				read += n;
			}
			return answer.append('\n').append(body, 0, read).toString();
		}
	}

	/** Free ports: front door, auth, gateway 1, gateway 2, presence, postgres, redis. */
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

	private static HttpResponse<String> get(String url, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode getJson(String url, String token) throws Exception {
		HttpResponse<String> response = get(url, token);
		assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
		return SyncClient.json.readTree(response.body());
	}

	private static HttpResponse<String> post(String url, Object body, Map<String, String> headers, int status)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(SyncClient.json.writeValueAsString(body)));
		if (headers != null) {
			headers.forEach(request::header);
		}
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(status);
		return response;
	}

	private static HttpResponse<String> send(String url, String method, Object body, String token) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + token)
			.method(method, HttpRequest.BodyPublishers.ofString(SyncClient.json.writeValueAsString(body)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The launcher from this module's classes, as {@code ./clipsync-local} runs it. */
	private static LaunchedFleet launch(Path data, int[] ports, String... options) throws IOException {
		Files.createDirectories(data);
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(launcherOptions());
		command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
				LocalFleet.class.getName(), "--data", data.toString(), "--repository",
				System.getProperty("clipsync.repository"), "--port", Integer.toString(ports[0]), "--auth-port",
				Integer.toString(ports[1]), "--gateway-ports", ports[2] + "," + ports[3], "--presence-port",
				Integer.toString(ports[4]), "--postgres-port", Integer.toString(ports[5]), "--redis-port",
				Integer.toString(ports[6])));
		command.addAll(List.of(options));
		return LaunchedFleet.start(command, Map.of());
	}

	/** The launcher's JVM options, read from {@code ./clipsync-local}. */
	private static List<String> launcherOptions() throws IOException {
		Path script = Path.of(System.getProperty("clipsync.repository"), "clipsync-local");
		Matcher options = Pattern.compile("(?m)^launcher_opts=\"([^\"]*)\"").matcher(Files.readString(script));
		assertThat(options.find()).as("launcher_opts in %s", script).isTrue();
		return List.of(options.group(1).trim().split("\\s+"));
	}

}
