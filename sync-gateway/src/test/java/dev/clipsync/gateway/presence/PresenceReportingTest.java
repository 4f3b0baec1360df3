package dev.clipsync.gateway.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.wire.DevicePresence;
import dev.clipsync.common.wire.PresenceChanged;
import dev.clipsync.common.wire.UserChannelCodec;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.TwoGateways;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceReportingTest {

	private final TwoGateways gateways = TwoGateways.get();

	private final RedisNames names = new RedisNames(TestInfrastructure.redis().keyPrefix());

	@Test
	void connectionsAreReportedAsEventsAndInTheGatewaysConnectionSet() {
		StringRedisTemplate redis = this.gateways.a.bean(StringRedisTemplate.class);
		String gatewayId = this.gateways.a.bean(PresenceReporter.class).gatewayId();
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		String token = this.gateways.tokens.token(user, device, "Work laptop", "macos");
		String session;
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(), token)) {
			session = client.welcome().get("sessionId").asString();
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> redis.opsForHash().hasKey(this.names.gatewayConnections(gatewayId), session));
			JsonNode described = SyncClient.json
				.readTree((String) redis.opsForHash().get(this.names.gatewayConnections(gatewayId), session));
			assertThat(described.get("userId").asString()).isEqualTo(user.toString());
			assertThat(described.get("deviceId").asString()).isEqualTo(device.toString());
			assertThat(described.get("name").asString()).isEqualTo("Work laptop");
			assertThat(described.get("platform").asString()).isEqualTo("macos");
			assertThat(redis.hasKey(this.names.gatewayAlive(gatewayId))).isTrue();
			assertThat(redis.opsForSet().isMember(this.names.gateways(), gatewayId)).isTrue();
		}
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> !redis.opsForHash().hasKey(this.names.gatewayConnections(gatewayId), session));
		List<Map<Object, Object>> events = redis.opsForStream()
			.range(this.names.presenceEvents(), Range.unbounded())
			.stream()
			.map(MapRecord::getValue)
			.filter((event) -> session.equals(event.get("session")))
			.toList();
		assertThat(events).extracting((event) -> event.get("type")).containsExactly("connect", "disconnect");
		assertThat(events.get(0)).containsEntry("gateway", gatewayId)
			.containsEntry("userId", user.toString())
			.containsEntry("deviceId", device.toString())
			.containsEntry("name", "Work laptop")
			.containsEntry("platform", "macos");
	}

	@Test
	void aNewConnectionIsGreetedWithPresenceAndLaterChangesAreForwarded() {
		StringRedisTemplate redis = this.gateways.a.bean(StringRedisTemplate.class);
		UUID user = UUID.randomUUID();
		UUID phone = UUID.randomUUID();
		// the state presence-service keeps
		redis.opsForHash()
			.put(this.names.presenceDevices(user), phone.toString(),
					"{\"name\":\"Phone\",\"platform\":\"android\",\"lastSeen\":1795000000000}");
		redis.opsForSet().add(this.names.presenceConnections(user, phone), "some-session");
		UUID laptopDevice = UUID.randomUUID();
		try (SyncClient laptop = SyncClient.connect(this.gateways.b.syncUri(),
				this.gateways.tokens.token(user, laptopDevice))) {
			JsonNode devices = laptop.presence().get("devices");
			assertThat(devices).hasSize(2);
			JsonNode phoneEntry = entry(devices, phone);
			assertThat(phoneEntry.get("name").asString()).isEqualTo("Phone");
			assertThat(phoneEntry.get("platform").asString()).isEqualTo("android");
			assertThat(phoneEntry.get("online").asBoolean()).isTrue();
			assertThat(phoneEntry.get("connections").asInt()).isEqualTo(1);
			// the greeting counts the connection it greets, before presence-service does
			JsonNode laptopEntry = entry(devices, laptopDevice);
			assertThat(laptopEntry.get("online").asBoolean()).isTrue();
			assertThat(laptopEntry.get("connections").asInt()).isEqualTo(1);

			redis.convertAndSend(this.names.userChannel(user),
					this.gateways.a.bean(UserChannelCodec.class)
						.encode(new PresenceChanged(
								List.of(new DevicePresence(phone, "Phone", "android", false, 0, Instant.now())))));
			JsonNode change = laptop.next("presence");
			assertThat(change.get("devices").get(0).get("online").asBoolean()).isFalse();
		}
	}

	@Test
	void aDevicesSecondConnectionIsGreetedWithTwoConnections() {
		StringRedisTemplate redis = this.gateways.a.bean(StringRedisTemplate.class);
		UUID user = UUID.randomUUID();
		UUID phone = UUID.randomUUID();
		redis.opsForHash()
			.put(this.names.presenceDevices(user), phone.toString(),
					"{\"name\":\"Phone\",\"platform\":\"android\",\"lastSeen\":1795000000000}");
		redis.opsForSet().add(this.names.presenceConnections(user, phone), "first-tab");
		try (SyncClient secondTab = SyncClient.connect(this.gateways.a.syncUri(),
				this.gateways.tokens.token(user, phone))) {
			JsonNode devices = secondTab.presence().get("devices");
			assertThat(devices).hasSize(1);
			assertThat(entry(devices, phone).get("connections").asInt()).isEqualTo(2);
		}
	}

	private static JsonNode entry(JsonNode devices, UUID deviceId) {
		for (JsonNode device : devices) {
			if (device.get("deviceId").asString().equals(deviceId.toString())) {
				return device;
			}
		}
		throw new AssertionError("no device " + deviceId + " in " + devices);
	}

}
