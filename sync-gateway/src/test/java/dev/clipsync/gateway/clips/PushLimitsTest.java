package dev.clipsync.gateway.clips;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.Problems;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.gateway.TwoGateways;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One push budget per device, shared by REST and WebSocket (burst 3, then 1/s), and a
 * bound on the bytes of a user's inline clips (2 MB here).
 */
class PushLimitsTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static TwoGateways shared;

	private static RunningGateway gateway;

	@BeforeAll
	static void start() {
		shared = TwoGateways.get();
		gateway = RunningGateway.start(shared.tokens, Map.of("clipsync.connections.pushes-per-second", "1",
				"clipsync.connections.push-burst", "3", "clipsync.clips.quota-per-user", "2MB"));
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@Test
	void restAndWebSocketPushesOfADeviceShareOneBudget() throws Exception {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		String token = shared.tokens.token(user, device);
		try (SyncClient socket = SyncClient.connect(gateway.syncUri(), token)) {
			// spend the budget over REST (it refills by one a second, so push until
			// refused)
			HttpResponse<String> refused = null;
			for (int i = 0; i < 200 && refused == null; i++) {
				HttpResponse<String> response = push(token, "rest " + i);
				if (response.statusCode() != 201) {
					refused = response;
				}
			}
			assertThat(refused).isNotNull();
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().firstValue("Retry-After")).isPresent();
			assertThat(Problems.code(refused)).isEqualTo("rate_limited");
			// the same device's socket draws on the same, now empty, budget
			for (int i = 0; i < 5; i++) {
				socket.push("over the same budget " + i);
			}
			boolean limited = false;
			for (int i = 0; i < 5; i++) {
				JsonNode answer = socket.poll(java.time.Duration.ofSeconds(10));
				while (answer != null && !"ack".equals(answer.get("type").asString())
						&& !"error".equals(answer.get("type").asString())) {
					answer = socket.poll(java.time.Duration.ofSeconds(10));
				}
				assertThat(answer).isNotNull();
				limited |= "rate_limited".equals(answer.path("code").asString());
			}
			assertThat(limited).isTrue();
		}
		// another device of the user has its own budget
		assertThat(push(shared.tokens.token(user, UUID.randomUUID()), "other device").statusCode()).isEqualTo(201);
	}

	@Test
	void aPushPastTheUsersByteQuotaIsRefusedUntilRoomIsMadeAndARetryOfAStoredOneStillWorks() throws Exception {
		UUID user = UUID.randomUUID();
		String mebibyte = "q".repeat(1024 * 1024 - 10);
		UUID first = UUID.randomUUID();
		assertThat(push(shared.token(user), first, mebibyte).statusCode()).isEqualTo(201);
		assertThat(push(shared.token(user), UUID.randomUUID(), mebibyte).statusCode()).isEqualTo(201);
		HttpResponse<String> over = push(shared.token(user), UUID.randomUUID(), mebibyte);
		assertThat(over.statusCode()).isEqualTo(507);
		assertThat(Problems.code(over)).isEqualTo("quota_exceeded");
		// a retry of a stored push is answered as before
		JsonNode retry = SyncClient.json.readTree(push(shared.token(user), first, mebibyte).body());
		assertThat(retry.get("duplicate").asBoolean()).isTrue();
		try (SyncClient socket = SyncClient.connect(gateway.syncUri(), shared.token(user))) {
			socket.push(mebibyte);
			assertThat(socket.next("error").get("code").asString()).isEqualTo("quota_exceeded");
		}
		// room made: it fits again
		http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/clips"))
			.header("Authorization", "Bearer " + shared.token(user))
			.DELETE()
			.build(), HttpResponse.BodyHandlers.discarding());
		assertThat(push(shared.token(user), UUID.randomUUID(), mebibyte).statusCode()).isEqualTo(201);
	}

	private static HttpResponse<String> push(String token, String data) throws Exception {
		return push(token, UUID.randomUUID(), data);
	}

	private static HttpResponse<String> push(String token, UUID id, String data) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/clips"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString(SyncClient.json.writeValueAsString(Map.of("id", id, "mime", "text/plain", "data", data))))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
