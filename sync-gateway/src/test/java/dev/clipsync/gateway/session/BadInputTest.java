package dev.clipsync.gateway.session;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.TwoGateways;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a client sends, it gets its error or close code; its neighbours never notice
 * and the gateway stays healthy.
 */
class BadInputTest {

	private final TwoGateways gateways = TwoGateways.get();

	@Test
	void eachKindOfBadMessageGetsItsErrorAndTheConnectionStays() {
		UUID user = UUID.randomUUID();
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user));
				SyncClient neighbour = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user))) {
			assertError(client, "{not json", "invalid_message", null);
			assertError(client, "[1,2]", "invalid_message", null);
			assertError(client, "{\"no\":\"type\"}", "invalid_message", null);
			assertError(client, "{\"type\":\"teleport\"}", "invalid_message", null);
			assertError(client, "{\"type\":42}", "invalid_message", null);
			assertError(client, "{\"type\":\"push\",\"id\":\"not-a-uuid\",\"mime\":\"text/plain\",\"data\":\"x\"}",
					"invalid_message", null);
			// a valid message in between: only invalid messages in a row close the
			// connection
			client.send(Map.of("type", "ping"));
			client.next("pong");
			UUID id = UUID.randomUUID();
			assertError(client, "{\"type\":\"push\",\"id\":\"" + id + "\",\"data\":\"x\"}", "invalid_message", id);
			assertError(client, "{\"type\":\"push\",\"id\":\"" + id + "\",\"mime\":\"text/plain\",\"data\":42}",
					"invalid_message", id);
			assertError(client,
					"{\"type\":\"push\",\"id\":\"" + id
							+ "\",\"mime\":\"image/png\",\"data\":\"***\",\"encoding\":\"base64\"}",
					"invalid_message", id);
			assertError(client,
					"{\"type\":\"push\",\"id\":\"" + id
							+ "\",\"mime\":\"text/plain\",\"data\":\"x\",\"encoding\":\"rot13\"}",
					"invalid_message", id);
			assertError(client, "{\"type\":\"push\",\"id\":\"" + id
					+ "\",\"mime\":\"text/plain\",\"data\":\"half a pair \\ud83d\"}", "invalid_message", id);
			assertError(client, "{\"type\":\"sync\",\"after\":\"yesterday\"}", "invalid_message", null);
			assertError(client, "{\"type\":\"sync\",\"after\":-1}", "invalid_message", null);
			// still a working connection
			UUID good = client.push("still here");
			JsonNode ack = client.next("ack");
			assertThat(ack.get("id").asString()).isEqualTo(good.toString());
			assertThat(neighbour.next("clip").get("data").asString()).isEqualTo("still here");
		}
	}

	@Test
	void aClipOverTheSizeLimitIsTooLargeAndNotStored() {
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(),
				this.gateways.token(UUID.randomUUID()))) {
			UUID id = UUID.randomUUID();
			String bigButUnderTheFrameLimit = Base64.getEncoder().encodeToString(new byte[1_048_577]);
			client.send(Map.of("type", "push", "id", id.toString(), "mime", "application/octet-stream", "data",
					bigButUnderTheFrameLimit, "encoding", "base64"));
			assertError(client, null, "too_large", id);
			String exactlyTheLimit = Base64.getEncoder().encodeToString(new byte[1_048_576]);
			client.send(Map.of("type", "push", "id", id.toString(), "mime", "application/octet-stream", "data",
					exactlyTheLimit, "encoding", "base64"));
			assertThat(client.next("ack").get("duplicate").asBoolean()).isFalse();
		}
	}

	@Test
	void aFrameOverTheMessageLimitClosesWith1009AndNeighboursCarryOn() {
		UUID user = UUID.randomUUID();
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user));
				SyncClient neighbour = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user))) {
			try {
				client.send("{\"type\":\"push\",\"data\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}");
			}
			catch (CompletionException ex) {
				// the server may close before the client has finished sending
			}
			assertThat(client.closeCode(Duration.ofSeconds(10))).isEqualTo(1009);
			neighbour.send(Map.of("type", "ping"));
			assertThat(neighbour.next("pong")).isNotNull();
		}
	}

	@Test
	void aMessageSplitOverFramesIsReadAsOneAndBadUtf8ClosesWith1007() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.gateways.a.port())) {
			socket.setSoTimeout(10_000);
			RawWebSocket.handshake(socket, this.gateways.token(UUID.randomUUID()), "");
			OutputStream out = socket.getOutputStream();
			RawWebSocket.sendFrame(out, 0x1, false, "{\"type\":".getBytes(StandardCharsets.UTF_8));
			RawWebSocket.sendFrame(out, 0x0, true, "\"ping\"}".getBytes(StandardCharsets.UTF_8));
			assertThat(RawWebSocket.readTextContaining(socket.getInputStream(), "\"pong\"")).isNotNull();
			RawWebSocket.sendFrame(out, 0x1, true, new byte[] { '"', (byte) 0xC3, (byte) 0x28, '"' });
			assertThat(RawWebSocket.readUntilClose(socket.getInputStream())).isEqualTo(1007);
		}
	}

	@Test
	void aBinaryFrameClosesWith1003() {
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(),
				this.gateways.token(UUID.randomUUID()))) {
			client.sendBinary(new byte[] { 1, 2, 3 });
			assertThat(client.closeCode(Duration.ofSeconds(5))).isEqualTo(1003);
		}
	}

	@Test
	void repeatedInvalidMessagesCloseWith1008() {
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(),
				this.gateways.token(UUID.randomUUID()))) {
			for (int i = 0; i < 10; i++) {
				client.send("nonsense " + i);
			}
			assertThat(client.closeCode(Duration.ofSeconds(5))).isEqualTo(1008);
		}
	}

	@Test
	void aFloodAboveTheRateLimitIsRefusedWithRateLimitedAndNothingAckedIsLost() {
		// a gateway with the default limits: 20 pushes/s, burst 50
		try (RunningGateway strict = RunningGateway.start(this.gateways.tokens, Map.of())) {
			UUID user = UUID.randomUUID();
			try (SyncClient flooder = SyncClient.connect(strict.syncUri(), this.gateways.token(user));
					SyncClient neighbour = SyncClient.connect(strict.syncUri(), this.gateways.token(user))) {
				int sent = 200;
				for (int i = 0; i < sent; i++) {
					flooder.push("flood " + i);
				}
				List<JsonNode> acks = new java.util.ArrayList<>();
				List<JsonNode> refused = new java.util.ArrayList<>();
				while (acks.size() + refused.size() < sent) {
					JsonNode answer = flooder.next();
					(("ack".equals(answer.get("type").asString())) ? acks : refused).add(answer);
				}
				assertThat(acks).hasSizeBetween(50, 150);
				assertThat(refused)
					.allMatch((error) -> "rate_limited".equals(error.get("code").asString()) && error.has("id"));
				// every acked clip reached the neighbour, in order
				List<Long> delivered = neighbour.collect("clip", acks.size(), Duration.ofSeconds(30))
					.stream()
					.map((clip) -> clip.get("seq").asLong())
					.toList();
				assertThat(delivered).hasSize(acks.size()).isSorted().doesNotHaveDuplicates();
				assertThat(neighbour.drain(Duration.ofMillis(300))).isEmpty();
			}
		}
	}

	private static void assertError(SyncClient client, String text, String code, UUID id) {
		if (text != null) {
			client.send(text);
		}
		JsonNode error = client.next("error");
		assertThat(error.get("code").asString()).as(text).isEqualTo(code);
		assertThat(error.get("message").asString()).isNotBlank();
		if (id != null) {
			assertThat(error.get("id").asString()).isEqualTo(id.toString());
		}
		else {
			assertThat(error.has("id")).isFalse();
		}
	}

}
