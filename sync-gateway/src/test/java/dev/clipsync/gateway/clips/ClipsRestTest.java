package dev.clipsync.gateway.clips;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.Problems;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.TwoGateways;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class ClipsRestTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	private final TwoGateways gateways = TwoGateways.get();

	@Test
	void aRestPushIsStoredAndFannedOutLikeAWebSocketPushWithTheSameIdempotency() {
		UUID user = UUID.randomUUID();
		String token = this.gateways.token(user);
		try (SyncClient pusher = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user));
				SyncClient receiver = SyncClient.connect(this.gateways.b.syncUri(), this.gateways.token(user))) {
			UUID id = UUID.randomUUID();
			pusher.push(id, "from the socket");
			long seq = pusher.next("ack").get("seq").asLong();
			HttpResponse<String> again = send("POST", "/v1/clips", token,
					Map.of("id", id, "mime", "text/plain", "data", "from the socket"));
			assertThat(again.statusCode()).isEqualTo(201);
			JsonNode result = SyncClient.json.readTree(again.body());
			assertThat(result.get("seq").asLong()).isEqualTo(seq);
			assertThat(result.get("duplicate").asBoolean()).isTrue();

			HttpResponse<String> fresh = send("POST", "/v1/clips", token,
					Map.of("id", UUID.randomUUID(), "mime", "text/plain", "data", "from a script"));
			assertThat(fresh.statusCode()).isEqualTo(201);
			assertThat(SyncClient.json.readTree(fresh.body()).get("duplicate").asBoolean()).isFalse();
			// both socket devices get the REST clip; the socket clip arrives once
			assertThat(receiver.next("clip").get("seq").asLong()).isEqualTo(seq);
			assertThat(receiver.next("clip").get("data").asString()).isEqualTo("from a script");
			assertThat(pusher.next("clip").get("data").asString()).isEqualTo("from a script");
			assertThat(receiver.drain(Duration.ofMillis(300))).isEmpty();
		}
	}

	@Test
	void aPageOfLargeClipsStopsAtAFewMegabytesAndTheRestFollowsFromItsLastSeq() {
		UUID user = UUID.randomUUID();
		String token = this.gateways.token(user);
		String mebibyte = "m".repeat(1024 * 1024);
		for (int i = 0; i < 7; i++) {
			assertThat(send("POST", "/v1/clips", token,
					Map.of("id", UUID.randomUUID(), "mime", "text/plain", "data", mebibyte))
				.statusCode()).isEqualTo(201);
		}
		JsonNode first = SyncClient.json.readTree(send("GET", "/v1/clips?after=0&limit=200", token, null).body());
		// the fourth mebibyte reaches 4 MiB: the page ends with it
		assertThat(first.get("clips").size()).isEqualTo(4);
		assertThat(first.get("latestSeq").asLong()).isEqualTo(7);
		long last = first.get("clips").get(first.get("clips").size() - 1).get("seq").asLong();
		JsonNode rest = SyncClient.json
			.readTree(send("GET", "/v1/clips?after=" + last + "&limit=200", token, null).body());
		long seen = first.get("clips").size() + rest.get("clips").size();
		assertThat(rest.get("clips").get(0).get("seq").asLong()).isEqualTo(last + 1);
		assertThat(seen).isLessThanOrEqualTo(7);
	}

	@Test
	void listsLatestDeletesAndClears() {
		UUID user = UUID.randomUUID();
		String token = this.gateways.token(user);
		assertThat(send("GET", "/v1/clips/latest", token, null).statusCode()).isEqualTo(204);
		for (int i = 1; i <= 5; i++) {
			send("POST", "/v1/clips", token, Map.of("id", UUID.randomUUID(), "mime", "text/plain", "data", "c" + i));
		}
		JsonNode page = SyncClient.json.readTree(send("GET", "/v1/clips?after=1&limit=2", token, null).body());
		assertThat(page.get("latestSeq").asLong()).isEqualTo(5);
		assertThat(page.get("clips").findValuesAsString("data")).containsExactly("c2", "c3");
		JsonNode latest = SyncClient.json.readTree(send("GET", "/v1/clips/latest", token, null).body());
		assertThat(latest.get("seq").asLong()).isEqualTo(5);
		assertThat(send("DELETE", "/v1/clips/3", token, null).statusCode()).isEqualTo(204);
		assertThat(send("DELETE", "/v1/clips/3", token, null).statusCode()).isEqualTo(404);
		assertThat(SyncClient.json.readTree(send("GET", "/v1/clips", token, null).body())
			.get("clips")
			.findValuesAsString("data")).containsExactly("c1", "c2", "c4", "c5");
		assertThat(send("DELETE", "/v1/clips", token, null).statusCode()).isEqualTo(204);
		assertThat(SyncClient.json.readTree(send("GET", "/v1/clips", token, null).body()).get("clips")).isEmpty();
		// seqs keep counting after a clear
		send("POST", "/v1/clips", token, Map.of("id", UUID.randomUUID(), "mime", "text/plain", "data", "c6"));
		assertThat(SyncClient.json.readTree(send("GET", "/v1/clips/latest", token, null).body()).get("seq").asLong())
			.isEqualTo(6);
		// another user sees none of it
		assertThat(send("GET", "/v1/clips/latest", this.gateways.token(UUID.randomUUID()), null).statusCode())
			.isEqualTo(204);
	}

	@Test
	void restCallsNeedATokenAndValidInput() {
		String token = this.gateways.token(UUID.randomUUID());
		HttpResponse<String> anonymous = send("GET", "/v1/clips", null, null);
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
		assertThat(code(send("GET", "/v1/clips?limit=201", token, null))).isEqualTo("validation_failed");
		assertThat(code(send("GET", "/v1/clips?after=-1", token, null))).isEqualTo("validation_failed");
		assertThat(code(send("GET", "/v1/clips?after=abc", token, null))).isEqualTo("validation_failed");
		assertThat(code(send("POST", "/v1/clips", token, Map.of("mime", "text/plain", "data", "x"))))
			.isEqualTo("validation_failed");
		assertThat(code(send("POST", "/v1/clips", token,
				Map.of("id", UUID.randomUUID(), "mime", "text/plain", "data", "!!", "encoding", "base64"))))
			.isEqualTo("validation_failed");
		HttpResponse<String> tooLarge = send("POST", "/v1/clips", token,
				Map.of("id", UUID.randomUUID(), "mime", "text/plain", "data", "x".repeat(1_048_577)));
		assertThat(tooLarge.statusCode()).isEqualTo(413);
		assertThat(code(tooLarge)).isEqualTo("too_large");
		assertThat(code(send("DELETE", "/v1/clips/abc", token, null))).isEqualTo("not_found");
	}

	@Test
	void keepsTheNewestClipsPerUser() {
		UUID user = UUID.randomUUID();
		String token = this.gateways.token(user);
		for (int i = 1; i <= 205; i++) {
			send("POST", "/v1/clips", token, Map.of("id", UUID.randomUUID(), "mime", "text/plain", "data", "c" + i));
		}
		JsonNode page = SyncClient.json.readTree(send("GET", "/v1/clips?limit=200", token, null).body());
		assertThat(page.get("clips")).hasSize(200);
		assertThat(page.get("clips").get(0).get("seq").asLong()).isEqualTo(6);
		assertThat(page.get("latestSeq").asLong()).isEqualTo(205);
	}

	@Test
	void aDeletedAccountsClipsAreDeletedFromTheAccountEventStream() {
		UUID user = UUID.randomUUID();
		String token = this.gateways.token(user);
		send("POST", "/v1/clips", token, Map.of("id", UUID.randomUUID(), "mime", "text/plain", "data", "secret"));
		StringRedisTemplate redis = this.gateways.a.bean(StringRedisTemplate.class);
		// what auth-service does on DELETE /v1/account
		redis.opsForStream()
			.add(StreamRecords.string(Map.of("type", "account_deleted", "userId", user.toString(), "at", "now"))
				.withStreamKey(new RedisNames(TestInfrastructure.redis().keyPrefix()).accountEvents()));
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> send("GET", "/v1/clips/latest", token, null).statusCode() == 204);
		JsonNode page = SyncClient.json.readTree(send("GET", "/v1/clips", token, null).body());
		assertThat(page.get("latestSeq").asLong()).isZero();
	}

	@Test
	void everyRestErrorIsAProblemWithTheDocumentedCode() {
		String token = this.gateways.token(UUID.randomUUID());
		for (String body : List.of("{", "not json", "{\"id\":", "", "null", "[]", "42", "\"text\"", "true")) {
			HttpResponse<String> response = sendRaw("POST", "/v1/clips", token, "application/json", body);
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(code(response)).as(body).isEqualTo("malformed_request");
		}
		HttpResponse<String> wrongType = sendRaw("POST", "/v1/clips", token, "application/json",
				"{\"id\":\"" + UUID.randomUUID() + "\",\"mime\":\"text/plain\",\"data\":42}");
		assertThat(wrongType.statusCode()).isEqualTo(400);
		assertThat(code(wrongType)).isEqualTo("validation_failed");
		HttpResponse<String> form = sendRaw("POST", "/v1/clips", token, "text/plain", "hello");
		assertThat(form.statusCode()).isEqualTo(415);
		assertThat(code(form)).isEqualTo("unsupported_media_type");
		HttpResponse<String> put = send("PUT", "/v1/clips", token, null);
		assertThat(put.statusCode()).isEqualTo(405);
		assertThat(code(put)).isEqualTo("method_not_allowed");
		assertThat(put.headers().firstValue("Allow").orElse("").split(",\\s*")).containsExactlyInAnyOrder("GET", "POST",
				"DELETE");
		HttpResponse<String> nowhere = send("GET", "/v1/nothing-here", token, null);
		assertThat(nowhere.statusCode()).isEqualTo(404);
		assertThat(code(nowhere)).isEqualTo("not_found");
		HttpResponse<String> anonymous = send("GET", "/v1/clips", null, null);
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(code(anonymous)).isEqualTo("unauthorized");
	}

	/**
	 * On a connection of its own: a server that answers before it has read the body (a
	 * 415 does) may close the connection after the answer, and the shared client would
	 * then send the next request on a closed connection, which it retries only for GET.
	 */
	private HttpResponse<String> sendRaw(String method, String path, String token, String contentType, String body) {
		try (HttpClient ownConnection = HttpClient.newHttpClient()) {
			return ownConnection.send(HttpRequest.newBuilder(URI.create(this.gateways.a.baseUrl() + path))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", contentType)
				.method(method, HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String code(HttpResponse<String> response) {
		return Problems.code(response);
	}

	private HttpResponse<String> send(String method, String path, String token, Object body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.gateways.a.baseUrl() + path))
			.timeout(Duration.ofSeconds(30));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(SyncClient.json.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
