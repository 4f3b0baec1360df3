package dev.clipsync.presence;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.ForkedService;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestPostgres;
import dev.clipsync.common.testsupport.TestTokens;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence with real gateways, each in a process of its own from its jar, and real
 * WebSocket clients.
 */
class PresenceEndToEndTest {

	@Test
	void devicesSeeEachOtherComeAndGoAndADeadGatewaysDevicesGoOffline() {
		try (TestTokens tokens = new TestTokens();
				RunningPresence presence = RunningPresence.start(tokens, Map.of());
				ForkedService one = gateway(tokens);
				ForkedService two = gateway(tokens)) {
			UUID user = UUID.randomUUID();
			UUID laptop = UUID.randomUUID();
			UUID phone = UUID.randomUUID();
			UUID tablet = UUID.randomUUID();
			try (SyncClient onLaptop = SyncClient.connect(one.syncUri(),
					tokens.token(user, laptop, "Laptop", "linux"))) {
				awaitOnline(onLaptop, laptop, true);
				SyncClient onPhone = SyncClient.connect(two.syncUri(), tokens.token(user, phone, "Phone", "android"));
				// each is told the other is online
				awaitOnline(onLaptop, phone, true);
				awaitOnline(onPhone, laptop, true);
				JsonNode both = onPhone.presence();
				assertThat(both.get("type").asString()).isEqualTo("presence");

				onPhone.close();
				long closedAt = System.nanoTime();
				awaitOnline(onLaptop, phone, false);
				System.out.printf("offline notice after %d ms%n", (System.nanoTime() - closedAt) / 1_000_000);
				JsonNode rest = SyncClient.json
					.readTree(presence.get("/v1/presence", tokens.token(user, laptop)).body());
				assertThat(find(rest, phone).get("online").asBoolean()).isFalse();
				assertThat(find(rest, phone).get("name").asString()).isEqualTo("Phone");
				assertThat(find(rest, laptop).get("online").asBoolean()).isTrue();

				// two connections of one device (two tabs): online until the last one
				// closes
				UUID browser = UUID.randomUUID();
				SyncClient tabOne = SyncClient.connect(one.syncUri(), tokens.token(user, browser, "Browser", "web"));
				SyncClient tabTwo = SyncClient.connect(two.syncUri(), tokens.token(user, browser, "Browser", "web"));
				awaitOnline(onLaptop, browser, true);
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.until(() -> find(
							SyncClient.json.readTree(presence.get("/v1/presence", tokens.token(user, laptop)).body()),
							browser)
						.get("connections")
						.asInt() == 2);
				tabOne.close();
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.until(() -> find(
							SyncClient.json.readTree(presence.get("/v1/presence", tokens.token(user, laptop)).body()),
							browser)
						.get("connections")
						.asInt() == 1);
				assertThat(
						find(SyncClient.json.readTree(presence.get("/v1/presence", tokens.token(user, laptop)).body()),
								browser)
							.get("online")
							.asBoolean())
					.isTrue();
				tabTwo.close();
				awaitOnline(onLaptop, browser, false);

				// a gateway killed without a word: its device goes offline once its
				// liveness key expires
				SyncClient.connect(two.syncUri(), tokens.token(user, tablet, "Tablet", "ios"));
				awaitOnline(onLaptop, tablet, true);
				two.kill();
				Awaitility.await()
					.atMost(Duration.ofSeconds(15))
					.until(() -> !find(
							SyncClient.json.readTree(presence.get("/v1/presence", tokens.token(user, laptop)).body()),
							tablet)
						.get("online")
						.asBoolean());
			}
		}
	}

	/**
	 * A device that hops between gateways, with two presence replicas reconciling every
	 * second: once its last connection closed it is offline and stays so; no
	 * reconciliation from an older snapshot brings a closed connection back.
	 */
	@Test
	void aDeviceHoppingBetweenGatewaysUnderTwoPresenceReplicasEndsOfflineAndStaysSo() {
		Map<String, Object> quick = Map.of("clipsync.presence.reconcile-interval", "1s");
		try (TestTokens tokens = new TestTokens();
				RunningPresence first = RunningPresence.start(tokens, quick);
				RunningPresence second = RunningPresence.start(tokens, quick);
				ForkedService one = gateway(tokens);
				ForkedService two = gateway(tokens)) {
			UUID user = UUID.randomUUID();
			UUID laptop = UUID.randomUUID();
			UUID phone = UUID.randomUUID();
			try (SyncClient onLaptop = SyncClient.connect(one.syncUri(),
					tokens.token(user, laptop, "Laptop", "linux"))) {
				for (int round = 0; round < 12; round++) {
					ForkedService gateway = (round % 2 == 0) ? one : two;
					SyncClient hop = SyncClient.connect(gateway.syncUri(),
							tokens.token(user, phone, "Phone", "android"));
					hop.close();
				}
				awaitOnline(onLaptop, phone, false);
				String token = tokens.token(user, laptop);
				Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> {
					JsonNode rest = SyncClient.json.readTree(first.get("/v1/presence", token).body());
					JsonNode entry = find(rest, phone);
					return entry != null && !entry.get("online").asBoolean() && entry.get("connections").asInt() == 0;
				});
			}
		}
	}

	private static ForkedService gateway(TestTokens tokens) {
		TestPostgres postgres = TestInfrastructure.postgres();
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.datasource.url", postgres.jdbcUrl());
		if (!postgres.username().isEmpty()) {
			properties.put("spring.datasource.username", postgres.username());
			properties.put("spring.datasource.password", postgres.password());
		}
		properties.put("spring.data.redis.url", TestInfrastructure.redis().url());
		properties.put("clipsync.redis.key-prefix", TestInfrastructure.redis().keyPrefix());
		properties.put("clipsync.tokens.jwks-uri", tokens.jwksUri().toString());
		properties.put("clipsync.presence.gateway-ttl", "3s");
		properties.put("clipsync.drain.window", "100ms");
		properties.put("logging.structured.format.console", "");
		return ForkedService.fromJar(Path.of(System.getProperty("clipsync.gateway.jar")), properties);
	}

	/** The last presence list each client was sent: the state a client shows its user. */
	private final Map<SyncClient, JsonNode> shown = new HashMap<>();

	/**
	 * Wait until the presence a client was last sent says the device is (or is not)
	 * online.
	 */
	private void awaitOnline(SyncClient client, UUID device, boolean online) {
		JsonNode latest = this.shown.getOrDefault(client, client.presence());
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!isOnline(latest, device, online)) {
			assertThat(System.nanoTime()).as("presence of %s online=%s", device, online).isLessThan(deadline);
			latest = client.next("presence");
			this.shown.put(client, latest);
		}
	}

	private static boolean isOnline(JsonNode presence, UUID device, boolean online) {
		JsonNode entry = find(presence, device);
		return (entry != null) ? entry.get("online").asBoolean() == online : !online;
	}

	private static JsonNode find(JsonNode presence, UUID device) {
		for (JsonNode entry : presence.get("devices")) {
			if (device.toString().equals(entry.get("deviceId").asString())) {
				return entry;
			}
		}
		return null;
	}

}
