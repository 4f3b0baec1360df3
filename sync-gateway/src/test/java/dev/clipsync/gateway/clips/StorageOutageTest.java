package dev.clipsync.gateway.clips;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.Problems;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.testsupport.PrivatePostgres;
import dev.clipsync.common.testsupport.PrivateRedis;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestTokens;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.common.testsupport.SyncClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class StorageOutageTest {

	@Test
	void withPostgresDownPushesGetUnavailableNothingIsAckedAndTheGatewayRecoversByItself() throws Exception {
		try (TestTokens tokens = new TestTokens();
				PrivatePostgres postgres = PrivatePostgres.start();
				RunningGateway gateway = RunningGateway.start(tokens, TestInfrastructure.redis().url(),
						Map.of("spring.datasource.url", postgres.jdbcUrl(), "spring.datasource.username", "postgres",
								"spring.datasource.password", "", "spring.datasource.hikari.connection-timeout",
								"1000"))) {
			UUID user = UUID.randomUUID();
			try (SyncClient pusher = SyncClient.connect(gateway.syncUri(), tokens.token(user, UUID.randomUUID()));
					SyncClient receiver = SyncClient.connect(gateway.syncUri(),
							tokens.token(user, UUID.randomUUID()))) {
				pusher.push("before");
				assertThat(pusher.next("ack").get("seq").asLong()).isEqualTo(1);
				assertThat(receiver.next("clip").get("seq").asLong()).isEqualTo(1);

				postgres.stop();
				UUID id = pusher.push("during");
				JsonNode refused = pusher.next(Duration.ofSeconds(15));
				assertThat(refused.get("type").asString()).isEqualTo("error");
				assertThat(refused.get("code").asString()).isEqualTo("unavailable");
				assertThat(refused.get("id").asString()).isEqualTo(id.toString());
				assertThat(gateway.readiness()).isEqualTo(503);
				assertThat(receiver.drain(Duration.ofMillis(300))).isEmpty();
				receiver.send(Map.of("type", "sync", "after", 0));
				assertThat(receiver.next("error").get("code").asString()).isEqualTo("unavailable");
				HttpResponse<String> history = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/clips"))
						.header("Authorization", "Bearer " + tokens.token(user, UUID.randomUUID()))
						.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(history.statusCode()).isEqualTo(503);
				assertThat(history.headers().firstValue("Retry-After")).isPresent();
				assertThat(Problems.code(history)).isEqualTo("unavailable");

				postgres.startAgain();
				Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gateway.readiness() == 200);
				pusher.push(id, "during");
				JsonNode ack = pusher.next("ack");
				assertThat(ack.get("seq").asLong()).isEqualTo(2);
				assertThat(ack.get("duplicate").asBoolean()).isFalse();
				assertThat(receiver.next("clip").get("seq").asLong()).isEqualTo(2);
			}
		}
	}

	@Test
	void anAccountDeletedWhilePostgresIsDownHasItsClipsErasedWhenItIsBack() throws Exception {
		// A Redis of its own: the other gateways of this test run would otherwise take
		// the event from the shared stream (same consumer group) and handle it in their
		// own database.
		try (TestTokens tokens = new TestTokens();
				PrivatePostgres postgres = PrivatePostgres.start();
				PrivateRedis privateRedis = PrivateRedis.start();
				RunningGateway gateway = RunningGateway.start(tokens, privateRedis.url(),
						Map.of("spring.datasource.url", postgres.jdbcUrl(), "spring.datasource.username", "postgres",
								"spring.datasource.password", "", "spring.datasource.hikari.connection-timeout",
								"1000"))) {
			UUID user = UUID.randomUUID();
			String token = tokens.token(user, UUID.randomUUID());
			try (SyncClient pusher = SyncClient.connect(gateway.syncUri(), token)) {
				pusher.push("to be erased");
				pusher.next("ack");
			}
			postgres.stop();
			gateway.bean(StringRedisTemplate.class)
				.opsForStream()
				.add(StreamRecords.string(Map.of("type", "account_deleted", "userId", user.toString(), "at", "now"))
					.withStreamKey(new RedisNames(TestInfrastructure.redis().keyPrefix()).accountEvents()));
			// the gateway takes the event and cannot handle it yet: it stays pending
			StringRedisTemplate redis = gateway.bean(StringRedisTemplate.class);
			String stream = new RedisNames(TestInfrastructure.redis().keyPrefix()).accountEvents();
			Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> redis.opsForStream().pending(stream, "sync-gateway").getTotalPendingMessages() > 0);
			postgres.startAgain();
			JdbcClient jdbc = gateway.bean(JdbcClient.class);
			Awaitility.await()
				.atMost(Duration.ofSeconds(60))
				.ignoreExceptions()
				.until(() -> jdbc.sql("select count(*) from clips where user_id = ?")
					.param(user)
					.query(Long.class)
					.single() == 0);
		}
	}

}
