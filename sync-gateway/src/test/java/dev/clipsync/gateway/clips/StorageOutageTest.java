package dev.clipsync.gateway.clips;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.PrivatePostgres;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestTokens;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.common.testsupport.SyncClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class StorageOutageTest {

	@Test
	void withPostgresDownPushesGetUnavailableNothingIsAckedAndTheGatewayRecoversByItself() {
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

}
