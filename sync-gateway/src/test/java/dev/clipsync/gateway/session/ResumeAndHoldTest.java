package dev.clipsync.gateway.session;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.gateway.TwoGateways;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where live delivery starts: at the resume position given at the handshake, or, for a
 * client that does not give one, once its sync is answered, once it pushes, or once the
 * grace period after the welcome passes.
 */
class ResumeAndHoldTest {

	@Test
	void aClientResumingAtTheHandshakeGetsTheMissedClipsThenSyncedThenLiveOnes() {
		TwoGateways gateways = TwoGateways.get();
		UUID user = UUID.randomUUID();
		try (SyncClient pusher = SyncClient.connect(gateways.b.syncUri(), gateways.token(user))) {
			for (int i = 1; i <= 5; i++) {
				pusher.push("clip " + i);
				pusher.next("ack");
			}
			try (SyncClient resumed = SyncClient.connect(after(gateways.a.syncUri(), 2), gateways.token(user))) {
				pusher.push("clip 6");
				pusher.next("ack");
				List<JsonNode> replay = resumed.collect("clip", 4, Duration.ofSeconds(10));
				assertThat(replay).extracting((clip) -> clip.get("seq").asLong()).containsExactly(3L, 4L, 5L, 6L);
				assertThat(resumed.next("synced").get("latestSeq").asLong()).isGreaterThanOrEqualTo(5);
				assertThat(resumed.drain(Duration.ofMillis(300)))
					.noneMatch((m) -> "clip".equals(m.get("type").asString()));
				pusher.push("clip 7");
				pusher.next("ack");
				assertThat(resumed.next("clip").get("seq").asLong()).isEqualTo(7);
			}
		}
	}

	@Test
	void liveClipsAreHeldThroughPingsUntilTheClientPushesAndThenFlow() {
		TwoGateways shared = TwoGateways.get();
		try (RunningGateway gateway = RunningGateway.start(shared.tokens,
				Map.of("clipsync.connections.sync-grace", "10m"))) {
			UUID user = UUID.randomUUID();
			try (SyncClient pusher = SyncClient.connect(gateway.syncUri(), shared.token(user));
					SyncClient held = SyncClient.connect(gateway.syncUri(), shared.token(user))) {
				pusher.push("while held");
				pusher.next("ack");
				// A heartbeat may come before the client's sync: it releases nothing.
				held.send(Map.of("type", "ping"));
				assertThat(held.next("pong")).isNotNull();
				assertThat(held.drain(Duration.ofMillis(500)))
					.noneMatch((m) -> "clip".equals(m.get("type").asString()));
				// With a ten-minute grace, only the client's own push can release it.
				held.push("from the held one");
				assertThat(held.next("clip").get("data").asString()).isEqualTo("while held");
			}
		}
	}

	@Test
	void aResumePositionThatIsNotANumberIsIgnoredAndTheClientSyncsAsUsual() {
		TwoGateways gateways = TwoGateways.get();
		UUID user = UUID.randomUUID();
		try (SyncClient client = SyncClient.connect(URI.create(gateways.a.syncUri() + "?after=soon"),
				gateways.token(user))) {
			client.send(Map.of("type", "sync", "after", 0));
			assertThat(client.next("synced").get("latestSeq").asLong()).isZero();
		}
	}

	private static URI after(URI sync, long seq) {
		return URI.create(sync + "?after=" + seq);
	}

}
