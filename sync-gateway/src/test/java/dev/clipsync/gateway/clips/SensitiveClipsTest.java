package dev.clipsync.gateway.clips;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.gateway.TwoGateways;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class SensitiveClipsTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@Test
	void aSensitiveClipIsRelayedWithItsFlagAndDeletedFromHistoryAfterItsTtl() throws Exception {
		TwoGateways shared = TwoGateways.get();
		try (RunningGateway gateway = RunningGateway.start(shared.tokens,
				Map.of("clipsync.clips.sensitive-ttl", "2s"))) {
			UUID user = UUID.randomUUID();
			String token = shared.token(user);
			try (SyncClient pusher = SyncClient.connect(gateway.syncUri(), token);
					SyncClient receiver = SyncClient.connect(gateway.syncUri(), shared.token(user))) {
				receiver.send(Map.of("type", "sync", "after", 0));
				receiver.next("synced");
				pusher.send(Map.of("type", "push", "id", UUID.randomUUID().toString(), "mime", "text/plain", "data",
						"hunter2", "sensitive", true));
				pusher.next("ack");
				pusher.push("an ordinary clip");
				pusher.next("ack");
				JsonNode secret = receiver.next("clip");
				assertThat(secret.get("sensitive").asBoolean()).isTrue();
				assertThat(receiver.next("clip").get("sensitive").asBoolean()).isFalse();

				Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> history(gateway, token).size() == 1);
				assertThat(history(gateway, token).get(0).get("data").asString()).isEqualTo("an ordinary clip");
			}
		}
	}

	@Test
	void aSensitiveFlagThatIsNotABooleanIsRefused() {
		TwoGateways shared = TwoGateways.get();
		try (SyncClient pusher = SyncClient.connect(shared.a.syncUri(), shared.token(UUID.randomUUID()))) {
			pusher.send(Map.of("type", "push", "id", UUID.randomUUID().toString(), "mime", "text/plain", "data", "x",
					"sensitive", "yes"));
			JsonNode error = pusher.next("error");
			assertThat(error.get("code").asString()).isEqualTo("invalid_message");
			assertThat(error.get("message").asString()).contains("sensitive");
		}
	}

	private static JsonNode history(RunningGateway gateway, String token) throws Exception {
		HttpResponse<String> response = http
			.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/clips?after=0"))
				.header("Authorization", "Bearer " + token)
				.build(), HttpResponse.BodyHandlers.ofString());
		return SyncClient.json.readTree(response.body()).get("clips");
	}

}
