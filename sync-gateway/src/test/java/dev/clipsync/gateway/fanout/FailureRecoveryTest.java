package dev.clipsync.gateway.fanout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import dev.clipsync.common.testsupport.PrivateRedis;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestTokens;
import dev.clipsync.common.testsupport.ForkedService;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.gateway.SyncGatewayApplication;
import dev.clipsync.common.testsupport.SyncClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Losing Redis or a whole gateway loses no acked clip: every device ends up holding every
 * acked clip exactly once, in seq order.
 */
class FailureRecoveryTest {

	/**
	 * Clips acked while Redis is down reach the devices on the pushing gateway at once
	 * and the other gateway's devices by the re-sync that follows Redis' return alone:
	 * the pushes stop before Redis comes back, so no later clip can reveal a gap.
	 */
	@Test
	void clipsAckedDuringARedisOutageReachEveryDeviceByTheResyncAlone() throws Exception {
		try (TestTokens tokens = new TestTokens();
				PrivateRedis redis = PrivateRedis.start();
				RunningGateway a = RunningGateway.start(tokens, redis.url(), Map.of());
				RunningGateway b = RunningGateway.start(tokens, redis.url(), Map.of())) {
			UUID user = UUID.randomUUID();
			try (SyncClient pusher = SyncClient.connect(a.syncUri(), tokens.token(user, UUID.randomUUID()));
					SyncClient onA = SyncClient.connect(a.syncUri(), tokens.token(user, UUID.randomUUID()));
					SyncClient onB = SyncClient.connect(b.syncUri(), tokens.token(user, UUID.randomUUID()))) {
				for (SyncClient client : List.of(pusher, onA, onB)) {
					client.send(Map.of("type", "sync", "after", 0));
					client.next("synced");
				}
				List<Long> before = pushAll(pusher, 5);
				for (SyncClient receiver : List.of(onA, onB)) {
					assertThat(seqs(receiver.collect("clip", 5, Duration.ofSeconds(10)))).isEqualTo(before);
				}
				redis.stop();
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.readiness() == 503);
				List<Long> during = pushAll(pusher, 10);
				// same gateway: no need of Redis
				assertThat(seqs(onA.collect("clip", 10, Duration.ofSeconds(10)))).isEqualTo(during);
				assertThat(onB.drain(Duration.ofMillis(300))).isEmpty();
				redis.startAgain();
				long back = System.nanoTime();
				assertThat(seqs(onB.collect("clip", 10, Duration.ofSeconds(15)))).isEqualTo(during);
				System.out.printf(
						"Redis outage: the other gateway's device held every clip %d ms after Redis was back%n",
						(System.nanoTime() - back) / 1_000_000);
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.readiness() == 200);
				// and live delivery goes on as before
				List<Long> after = pushAll(pusher, 3);
				for (SyncClient receiver : List.of(onA, onB)) {
					assertThat(seqs(receiver.collect("clip", 3, Duration.ofSeconds(10)))).isEqualTo(after);
					assertThat(receiver.drain(Duration.ofMillis(300))).isEmpty();
				}
			}
		}
	}

	private static List<Long> pushAll(SyncClient pusher, int count) {
		List<Long> acked = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			pusher.push("clip " + UUID.randomUUID());
			acked.add(pusher.next("ack").get("seq").asLong());
		}
		return acked;
	}

	/** Push, or say the connection is already closed (the gateway was killed). */
	private static boolean pushedUnlessClosed(SyncClient pusher, UUID id) {
		try {
			pusher.push(id, "clip " + id);
			return true;
		}
		catch (CompletionException ex) {
			assertThat(ex).hasRootCauseInstanceOf(IOException.class);
			return false;
		}
	}

	private static List<Long> seqs(List<JsonNode> clips) {
		return clips.stream().map((clip) -> clip.get("seq").asLong()).toList();
	}

	@Test
	void aGatewayKilledMidStreamLosesNoAckedClip() throws Exception {
		try (TestTokens tokens = new TestTokens();
				RunningGateway survivor = RunningGateway.start(tokens, Map.of());
				ForkedService doomed = ForkedService.fromClasspath(SyncGatewayApplication.class.getName(),
						RunningGateway.baseProperties(tokens, TestInfrastructure.redis().url()))) {
			UUID user = UUID.randomUUID();
			UUID pusherDevice = UUID.randomUUID();
			UUID receiverDevice = UUID.randomUUID();
			// the pusher retries unacked ids after reconnecting, as a client must
			Map<UUID, Long> pushes = new LinkedHashMap<>();
			List<Long> received = new ArrayList<>();

			SyncClient pusher = SyncClient.connect(doomed.syncUri(), tokens.token(user, pusherDevice));
			SyncClient receiver = SyncClient.connect(doomed.syncUri(), tokens.token(user, receiverDevice));
			for (int i = 0; i < 40; i++) {
				UUID id = UUID.randomUUID();
				pushes.put(id, null);
				if (!pushedUnlessClosed(pusher, id)) {
					// The client saw the kill before this push.
					break;
				}
				if (i == 20) {
					doomed.kill();
				}
				JsonNode answer = pusher.poll(Duration.ofSeconds(2));
				while (answer != null && !"ack".equals(answer.get("type").asString())) {
					answer = pusher.poll(Duration.ofSeconds(2));
				}
				if (answer == null) {
					break;
				}
				pushes.put(UUID.fromString(answer.get("id").asString()), answer.get("seq").asLong());
			}
			assertThat(pusher.closeCode(Duration.ofSeconds(10))).isEqualTo(1006);
			for (JsonNode clip : receiver.drain(Duration.ofMillis(200))) {
				if ("clip".equals(clip.get("type").asString())) {
					received.add(clip.get("seq").asLong());
				}
			}
			assertThat(receiver.closeCode(Duration.ofSeconds(10))).isEqualTo(1006);
			long held = received.isEmpty() ? 0 : received.get(received.size() - 1);

			// both reconnect to the surviving gateway: the receiver resumes, the pusher
			// retries
			try (SyncClient pusherAgain = SyncClient.connect(survivor.syncUri(), tokens.token(user, pusherDevice));
					SyncClient receiverAgain = SyncClient.connect(survivor.syncUri(),
							tokens.token(user, receiverDevice))) {
				receiverAgain.send(Map.of("type", "sync", "after", held));
				for (Map.Entry<UUID, Long> push : pushes.entrySet()) {
					if (push.getValue() == null) {
						pusherAgain.push(push.getKey(), "clip " + push.getKey());
						JsonNode ack = pusherAgain.next("ack");
						push.setValue(ack.get("seq").asLong());
					}
				}
				Set<Long> acked = new HashSet<>(pushes.values());
				assertThat(acked).hasSize(pushes.size());
				List<Long> resumed = receiverAgain
					.collect("clip", acked.size() - received.size(), Duration.ofSeconds(30))
					.stream()
					.map((clip) -> clip.get("seq").asLong())
					.toList();
				List<Long> all = new ArrayList<>(received);
				all.addAll(resumed);
				assertThat(all).isSorted().doesNotHaveDuplicates();
				assertThat(new HashSet<>(all)).isEqualTo(acked);
				receiverAgain.next("synced");
			}
			pusher.close();
			receiver.close();
		}
	}

}
