package dev.clipsync.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicasAndRestartTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void twoReplicasShareTheEventsAndHandleEachOnce() {
		try (TestTokens tokens = new TestTokens();
				RunningPresence first = RunningPresence.start(tokens, Map.of());
				RunningPresence second = RunningPresence.start(tokens, Map.of())) {
			double before = handled(first) + handled(second);
			FakeGatewayReports gateway = new FakeGatewayReports(first.bean(StringRedisTemplate.class));
			UUID user = UUID.randomUUID();
			int devices = 100;
			List<UUID> ids = new ArrayList<>();
			for (int i = 0; i < devices; i++) {
				UUID device = UUID.randomUUID();
				ids.add(device);
				gateway.connect(user, device, "Device " + i);
			}
			String token = tokens.token(user, ids.get(0));
			Awaitility.await()
				.atMost(Duration.ofSeconds(20))
				.until(() -> onlineCount(first, token) == devices
						&& handled(first) + handled(second) >= before + devices);
			// and it stays so: no event is handled a second time
			Awaitility.await()
				.during(Duration.ofSeconds(1))
				.atMost(Duration.ofSeconds(5))
				.until(() -> handled(first) + handled(second) - before == devices);
			assertThat(handled(first)).as("first replica").isGreaterThan(0);
			assertThat(handled(second)).as("second replica").isGreaterThan(0);
		}
	}

	@Test
	void afterARestartPresenceCatchesUpWithWhatHappenedWhileItWasDown() {
		try (TestTokens tokens = new TestTokens()) {
			RunningPresence presence = RunningPresence.start(tokens, Map.of());
			FakeGatewayReports gateway = FakeGatewayReports.standalone();
			UUID user = UUID.randomUUID();
			UUID stays = UUID.randomUUID();
			UUID leaves = UUID.randomUUID();
			UUID arrives = UUID.randomUUID();
			String token = tokens.token(user, stays);
			gateway.connect(user, stays, "Stays");
			String leaving = gateway.connect(user, leaves, "Leaves");
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onlineCount(presence, token) == 2);
			presence.close();

			gateway.disconnect(leaving, user, leaves);
			gateway.connect(user, arrives, "Arrives");

			try (RunningPresence back = RunningPresence.start(tokens, Map.of())) {
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
					JsonNode devices = json.readTree(back.get("/v1/presence", token).body()).get("devices");
					return online(devices, stays) && !online(devices, leaves) && online(devices, arrives);
				});
			}
		}
	}

	private static double handled(RunningPresence presence) {
		return presence.bean(MeterRegistry.class).counter("clipsync.presence.events.handled").count();
	}

	private static long onlineCount(RunningPresence presence, String token) {
		JsonNode devices = json.readTree(presence.get("/v1/presence", token).body()).get("devices");
		long count = 0;
		for (JsonNode device : devices) {
			if (device.get("online").asBoolean()) {
				count++;
			}
		}
		return count;
	}

	private static boolean online(JsonNode devices, UUID device) {
		for (JsonNode entry : devices) {
			if (device.toString().equals(entry.get("deviceId").asString())) {
				return entry.get("online").asBoolean();
			}
		}
		return false;
	}

}
