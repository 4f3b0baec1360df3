package dev.clipsync.presence;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.testsupport.Problems;
import dev.clipsync.common.testsupport.RedisChannelRecorder;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceTrackingTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static TestTokens tokens;

	private static RunningPresence presence;

	private final RedisNames names = new RedisNames(TestInfrastructure.redis().keyPrefix());

	@BeforeAll
	static void start() {
		tokens = new TestTokens();
		presence = RunningPresence.start(tokens, Map.of());
	}

	@AfterAll
	static void stop() {
		presence.close();
		tokens.close();
	}

	@Test
	void devicesComeOnlineAndGoOfflineWithTheirConnectionsAndTheUserIsTold() {
		FakeGatewayReports gateway = new FakeGatewayReports(presence.bean(StringRedisTemplate.class));
		UUID user = UUID.randomUUID();
		UUID laptop = UUID.randomUUID();
		UUID phone = UUID.randomUUID();
		try (RedisChannelRecorder channel = RedisChannelRecorder.subscribe(this.names.userChannel(user))) {
			String laptopSession = gateway.connect(user, laptop, "Laptop");
			assertThat(online(next(channel), laptop)).isTrue();
			String phoneSession = gateway.connect(user, phone, "Phone");
			JsonNode both = next(channel);
			assertThat(online(both, laptop)).isTrue();
			assertThat(online(both, phone)).isTrue();

			gateway.disconnect(phoneSession, user, phone);
			JsonNode afterClose = next(channel);
			assertThat(online(afterClose, laptop)).isTrue();
			assertThat(online(afterClose, phone)).isFalse();

			JsonNode rest = json.readTree(presence.get("/v1/presence", tokens.token(user, laptop)).body());
			assertThat(online(rest, laptop)).isTrue();
			assertThat(online(rest, phone)).isFalse();
			assertThat(device(rest, phone).get("name").asString()).isEqualTo("Phone");
			assertThat(device(rest, phone).get("platform").asString()).isEqualTo("linux");
			assertThat(device(rest, phone).get("lastSeen").asString()).isNotBlank();
			assertThat(device(rest, laptop).get("connections").asInt()).isEqualTo(1);
			gateway.disconnect(laptopSession, user, laptop);
		}
	}

	@Test
	void aDeviceWithTwoConnectionsIsOnlineUntilTheLastCloses() {
		FakeGatewayReports gateway = new FakeGatewayReports(presence.bean(StringRedisTemplate.class));
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		String token = tokens.token(user, device);
		String first = gateway.connect(user, device, "Browser");
		String second = gateway.connect(user, device, "Browser");
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> connections(token, device) == 2);
		gateway.disconnect(first, user, device);
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> connections(token, device) == 1);
		assertThat(online(json.readTree(presence.get("/v1/presence", token).body()), device)).isTrue();
		gateway.disconnect(second, user, device);
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> !online(json.readTree(presence.get("/v1/presence", token).body()), device));
	}

	@Test
	void everyChangeOfADevicesConnectionsIsPublishedSoCountsAreNeverStale() {
		FakeGatewayReports gateway = new FakeGatewayReports(presence.bean(StringRedisTemplate.class));
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		try (RedisChannelRecorder channel = RedisChannelRecorder.subscribe(this.names.userChannel(user))) {
			String first = gateway.connect(user, device, "Browser");
			assertThat(device(next(channel), device).get("connections").asInt()).isEqualTo(1);
			String second = gateway.connect(user, device, "Browser");
			assertThat(device(next(channel), device).get("connections").asInt()).isEqualTo(2);
			gateway.disconnect(first, user, device);
			JsonNode oneLeft = next(channel);
			assertThat(device(oneLeft, device).get("connections").asInt()).isEqualTo(1);
			assertThat(online(oneLeft, device)).isTrue();
			gateway.disconnect(second, user, device);
			assertThat(online(next(channel), device)).isFalse();
		}
	}

	@Test
	void theConnectionsOfAGatewayThatDiedAreSweptWithinTheReconcileInterval() {
		FakeGatewayReports gateway = new FakeGatewayReports(presence.bean(StringRedisTemplate.class));
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		String token = tokens.token(user, device);
		gateway.connect(user, device, "Laptop");
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> connections(token, device) == 1);
		gateway.die();
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> !online(json.readTree(presence.get("/v1/presence", token).body()), device));
		assertThat(presence.bean(MeterRegistry.class).counter("clipsync.presence.swept.connections").count())
			.isGreaterThanOrEqualTo(1);
	}

	@Test
	void aConnectionWhoseEventWasLostIsFoundInTheGatewaysSet() {
		StringRedisTemplate redis = presence.bean(StringRedisTemplate.class);
		FakeGatewayReports gateway = new FakeGatewayReports(redis);
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		String token = tokens.token(user, device);
		// only in the gateway's set, as if the event had been trimmed away
		redis.opsForHash()
			.put(this.names.gatewayConnections(gateway.gatewayId), UUID.randomUUID().toString(), "{\"userId\":\"" + user
					+ "\",\"deviceId\":\"" + device + "\",\"name\":\"Desk\",\"platform\":\"windows\",\"since\":0}");
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connections(token, device) == 1);
	}

	@Test
	void revokedDevicesAndDeletedAccountsDisappear() {
		StringRedisTemplate redis = presence.bean(StringRedisTemplate.class);
		FakeGatewayReports gateway = new FakeGatewayReports(redis);
		UUID user = UUID.randomUUID();
		UUID kept = UUID.randomUUID();
		UUID revoked = UUID.randomUUID();
		String token = tokens.token(user, kept);
		gateway.connect(user, kept, "Kept");
		String session = gateway.connect(user, revoked, "Revoked");
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> connections(token, revoked) == 1);
		gateway.disconnect(session, user, revoked);
		// what auth-service appends when a device is revoked
		redis.opsForStream()
			.add(StreamRecords
				.string(Map.of("type", "device_revoked", "userId", user.toString(), "deviceId", revoked.toString()))
				.withStreamKey(this.names.accountEvents()));
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> device(json.readTree(presence.get("/v1/presence", token).body()), revoked) == null);
		redis.opsForStream()
			.add(StreamRecords.string(Map.of("type", "account_deleted", "userId", user.toString()))
				.withStreamKey(this.names.accountEvents()));
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !redis.hasKey(this.names.presenceDevices(user)));
	}

	@Test
	void presenceNeedsATokenAndEveryErrorIsAProblemWithItsCode() {
		for (String token : new String[] { null, "garbage" }) {
			HttpResponse<String> refused = presence.get("/v1/presence", token);
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(Problems.code(refused)).isEqualTo("unauthorized");
			assertThat(refused.headers().firstValue("WWW-Authenticate")).isPresent();
		}
		String token = tokens.token(UUID.randomUUID(), UUID.randomUUID());
		HttpResponse<String> nowhere = presence.get("/v1/nothing-here", token);
		assertThat(nowhere.statusCode()).isEqualTo(404);
		assertThat(Problems.code(nowhere)).isEqualTo("not_found");
		HttpResponse<String> post = presence.send("POST", "/v1/presence", token);
		assertThat(post.statusCode()).isEqualTo(405);
		assertThat(Problems.code(post)).isEqualTo("method_not_allowed");
		assertThat(post.headers().firstValue("Allow")).hasValue("GET");
		assertThat(presence.get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		assertThat(presence.get("/actuator/prometheus", null).body()).contains("clipsync_presence_events_handled_total")
			.contains("clipsync_presence_online_devices")
			.contains("clipsync_presence_reconciliations_total");
	}

	private int connections(String token, UUID device) {
		JsonNode entry = device(json.readTree(presence.get("/v1/presence", token).body()), device);
		return (entry != null) ? entry.get("connections").asInt() : 0;
	}

	private static JsonNode next(RedisChannelRecorder channel) {
		String message = channel.next(Duration.ofSeconds(5));
		assertThat(message).as("a presence message").isNotNull();
		JsonNode node = json.readTree(message);
		assertThat(node.get("type").asString()).isEqualTo("presence");
		return node;
	}

	private static boolean online(JsonNode presence, UUID device) {
		JsonNode entry = device(presence, device);
		return entry != null && entry.get("online").asBoolean();
	}

	private static JsonNode device(JsonNode presence, UUID device) {
		for (JsonNode entry : presence.get("devices")) {
			if (device.toString().equals(entry.get("deviceId").asString())) {
				return entry;
			}
		}
		return null;
	}

}
