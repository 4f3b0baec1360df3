package dev.clipsync.gateway.session;

import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.PrivateRedis;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.common.testsupport.TestTokens;
import dev.clipsync.gateway.RunningGateway;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What clients see while Redis is away: the deny list cannot be read, so handshakes are
 * refused as temporarily unavailable (never a 500) and a token swap answers an error
 * (never a crashed session); pushes are still stored and acked.
 */
class RedisOutageTest {

	@Test
	void withRedisDownHandshakesGet503ProblemAndTokenSwapsGetAnErrorWhileTheSessionLivesOn() throws Exception {
		try (TestTokens tokens = new TestTokens();
				PrivateRedis redis = PrivateRedis.start();
				RunningGateway gateway = RunningGateway.start(tokens, redis.url(), Map.of())) {
			UUID user = UUID.randomUUID();
			UUID device = UUID.randomUUID();
			try (SyncClient client = SyncClient.connect(gateway.syncUri(), tokens.token(user, device))) {
				redis.stop();
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.readiness() == 503);

				try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
					socket.setSoTimeout(10_000);
					String head = RawWebSocket.handshake(socket, tokens.token(user, UUID.randomUUID()), "");
					assertThat(head).startsWith("HTTP/1.1 503")
						.containsIgnoringCase("Retry-After: ")
						.containsIgnoringCase("Content-Type: application/problem+json");
					String body = new String(socket.getInputStream().readNBytes(contentLength(head)));
					JsonNode problem = SyncClient.json.readTree(body);
					assertThat(problem.get("code").asString()).isEqualTo("unavailable");
					assertThat(problem.get("status").asInt()).isEqualTo(503);
				}

				client.send(Map.of("type", "auth", "token", tokens.token(user, device)));
				JsonNode answer = client.next("error");
				assertThat(answer.get("code").asString()).isEqualTo("unavailable");
				assertThat(client.isClosed()).isFalse();

				client.push("stored while Redis is away");
				assertThat(client.next("ack").get("seq").asLong()).isEqualTo(1);

				redis.startAgain();
				Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> gateway.readiness() == 200);
				client.send(Map.of("type", "auth", "token", tokens.token(user, device)));
				assertThat(client.next("authed")).isNotNull();
			}
		}
	}

	private static int contentLength(String head) {
		for (String line : head.split("\r\n")) {
			if (line.toLowerCase().startsWith("content-length:")) {
				return Integer.parseInt(line.substring("content-length:".length()).trim());
			}
		}
		throw new AssertionError("no Content-Length in " + head);
	}

}
