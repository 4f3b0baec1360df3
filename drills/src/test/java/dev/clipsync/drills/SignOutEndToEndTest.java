package dev.clipsync.drills;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.clipsync.common.testsupport.Problems;
import dev.clipsync.common.testsupport.SyncClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way of ending a device's session, followed from the auth-service call to the
 * sockets it must close, through the real fleet: auth-service, two sync-gateways and
 * presence-service from their jars, a PostgreSQL and a Redis of their own, real WebSocket
 * clients. Each device holds a socket on each gateway, so the sign-out has to reach both.
 * <p>
 * The close reason is asserted because only the sign-out message gives it: the gateway's
 * heartbeat backstop (which re-checks tokens against the deny list) closes with 4403
 * "signed out". A gateway that ignored the message would still close the sockets a
 * heartbeat later, and fail these tests.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SignOutEndToEndTest {

	private static final String PASSWORD = "correct horse battery";

	private static final int SIGNED_OUT = 4403;

	/** Generous for a busy machine; a close that never comes fails the test. */
	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final HttpClient http = HttpClient.newHttpClient();

	private static Fleet fleet;

	private final List<Device> opened = new ArrayList<>();

	@BeforeAll
	static void startFleet() throws IOException {
		Path logs = Path.of(System.getProperty("clipsync.drills.target", "target")).resolve("signout-logs");
		Files.createDirectories(logs);
		try (var old = Files.list(logs)) {
			for (Path log : old.toList()) {
				Files.delete(log);
			}
		}
		fleet = Fleet.start(logs);
	}

	@AfterAll
	static void stopFleet() {
		if (fleet != null) {
			fleet.close();
		}
	}

	@AfterEach
	void closeSockets() {
		this.opened.forEach(Device::close);
	}

	@Test
	void revokingADeviceClosesItsSocketsOnEveryGatewayAndNoOneElses() {
		String ann = register();
		Device laptop = device(ann, "Laptop");
		Device phone = device(ann, "Phone");
		Device bystander = device(register(), "Bystander");

		fleet.callAuth("DELETE", "/v1/devices/" + laptop.login().deviceId(), null, phone.token());

		assertSignedOut(laptop, "device_revoked");
		assertStillServed(phone);
		assertStillServed(bystander);
	}

	@Test
	void changingThePasswordClosesTheOtherDevicesSocketsButNotTheChangers() {
		String ann = register();
		Device laptop = device(ann, "Laptop");
		Device phone = device(ann, "Phone");
		Device tablet = device(ann, "Tablet");
		Device bystander = device(register(), "Bystander");

		fleet.callAuth("POST", "/v1/auth/password",
				Map.of("currentPassword", PASSWORD, "newPassword", "a new and longer secret"), laptop.token());

		assertSignedOut(phone, "password_changed");
		assertSignedOut(tablet, "password_changed");
		assertStillServed(laptop);
		assertStillServed(bystander);
	}

	@Test
	void loggingOutClosesThisDevicesSocketsOnly() {
		String ann = register();
		Device laptop = device(ann, "Laptop");
		Device phone = device(ann, "Phone");
		Device bystander = device(register(), "Bystander");

		fleet.callAuth("POST", "/v1/auth/logout", null, laptop.token());

		assertSignedOut(laptop, "logged_out");
		assertStillServed(phone);
		assertStillServed(bystander);
	}

	@Test
	void reusingARefreshTokenClosesThatDevicesSocketsOnly() throws Exception {
		String ann = register();
		Device laptop = device(ann, "Laptop");
		Device phone = device(ann, "Phone");
		Device bystander = device(register(), "Bystander");
		Map<String, String> stolen = Map.of("refreshToken", laptop.login().refreshToken());
		fleet.callAuth("POST", "/v1/auth/refresh", stolen, null);

		HttpResponse<String> reuse = http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleet.auth().port() + "/v1/auth/refresh"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(SyncClient.json.writeValueAsString(stolen)))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(reuse.statusCode()).isEqualTo(401);
		assertThat(Problems.code(reuse)).isEqualTo("token_reused");

		assertSignedOut(laptop, "token_reused");
		assertStillServed(phone);
		assertStillServed(bystander);
	}

	@Test
	void deletingTheAccountClosesEverySocketOfItAndLeavesNoClipsNorPresence() throws SQLException {
		String ann = register();
		Device laptop = device(ann, "Laptop");
		Device phone = device(ann, "Phone");
		Device bystander = device(register(), "Bystander");
		UUID annId = laptop.login().userId();
		assertStillServed(laptop, phone);
		// the checks below can only fail if there was something to delete
		assertThat(storedClips(annId)).isPositive();
		assertThat(presenceKeys(annId)).isNotEmpty();

		fleet.callAuth("DELETE", "/v1/account", Map.of("password", PASSWORD), phone.token());

		assertSignedOut(laptop, "account_deleted");
		assertSignedOut(phone, "account_deleted");
		assertStillServed(bystander);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(storedClips(annId)).isZero());
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(presenceKeys(annId)).isEmpty());
		// the email is free again, for a new account that starts empty
		fleet.register(ann, PASSWORD);
		Fleet.Login again = fleet.login(ann, PASSWORD, "Laptop");
		assertThat(again.userId()).isNotEqualTo(annId);
		for (int gateway = 0; gateway < 2; gateway++) {
			assertThat(fleet.callGateway(gateway, "GET", "/v1/clips?after=0", null, again.accessToken()).get("clips"))
				.isEmpty();
		}
	}

	private static String register() {
		String email = "signout-" + UUID.randomUUID() + "@example.com";
		fleet.register(email, PASSWORD);
		return email;
	}

	/** A device logged in, with a socket on each gateway. */
	private Device device(String email, String name) {
		Fleet.Login login = fleet.login(email, PASSWORD, name);
		Device device = new Device(login, new ArrayList<>());
		this.opened.add(device);
		for (int gateway = 0; gateway < 2; gateway++) {
			device.sockets().add(connect(gateway, login.accessToken()));
		}
		return device;
	}

	/**
	 * A socket that is live: welcomed and synced. A presence change of another socket can
	 * come before the welcome today (the gateway registers the session for the user's
	 * messages before it queues the welcome); it is set aside, as it has nothing to do
	 * with signing out.
	 */
	private static SyncClient connect(int gateway, String token) {
		SyncClient socket = SyncClient.connectRaw(fleet.syncUri(gateway), token);
		long latestSeq = socket.next("welcome").get("latestSeq").asLong();
		socket.send(Map.of("type", "sync", "after", latestSeq));
		socket.next("synced");
		return socket;
	}

	private static void assertSignedOut(Device device, String reason) {
		for (SyncClient socket : device.sockets()) {
			assertThat(socket.closeCode(WAIT)).isEqualTo(SIGNED_OUT);
			assertThat(socket.closeReason(WAIT)).isEqualTo(reason);
		}
	}

	/**
	 * The devices (of one user) are still signed in and connected: a clip pushed on one
	 * socket is acked and reaches every other socket of them, on both gateways. The clip
	 * travels the user's Redis channel after the sign-out did, so a gateway that wrongly
	 * closed these sockets on that sign-out has done so by now.
	 */
	private static void assertStillServed(Device... devices) {
		String data = "still here " + UUID.randomUUID();
		SyncClient pusher = devices[0].sockets().get(0);
		UUID id = pusher.push(data);
		JsonNode ack = pusher.next("ack");
		assertThat(ack.get("id").asString()).isEqualTo(id.toString());
		for (Device device : devices) {
			for (SyncClient socket : device.sockets()) {
				if (socket != pusher) {
					awaitClip(socket, data);
				}
				assertThat(socket.isClosed()).isFalse();
			}
			for (int gateway = 0; gateway < 2; gateway++) {
				assertThat(fleet.callGateway(gateway, "GET", "/v1/clips?after=0", null, device.token())
					.get("clips")
					.findValuesAsString("data")).contains(data);
			}
		}
	}

	private static void awaitClip(SyncClient socket, String data) {
		while (true) {
			JsonNode clip = socket.collect("clip", 1, WAIT).get(0);
			if (data.equals(clip.get("data").asString())) {
				return;
			}
		}
	}

	/** The user's clips in sync-gateway's schema. */
	private static long storedClips(UUID userId) throws SQLException {
		try (Connection connection = DriverManager.getConnection(fleet.postgres.jdbcUrl(), "postgres", "");
				PreparedStatement query = connection
					.prepareStatement("select count(*) from sync.clips where user_id = ?")) {
			query.setObject(1, userId);
			try (ResultSet result = query.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	/** The user's device list and connection sets that presence keeps in Redis. */
	private static List<String> presenceKeys(UUID userId) {
		try (Jedis redis = new Jedis(URI.create(fleet.redis.url()))) {
			List<String> keys = new ArrayList<>();
			String devices = "cs:presence:{" + userId + "}:devices";
			if (redis.exists(devices)) {
				keys.add(devices);
			}
			keys.addAll(redis.keys("cs:presence:{" + userId + "}:conns:*"));
			return keys;
		}
	}

	private record Device(Fleet.Login login, List<SyncClient> sockets) implements AutoCloseable {

		String token() {
			return this.login.accessToken();
		}

		@Override
		public void close() {
			this.sockets.forEach(SyncClient::close);
		}

	}

}
