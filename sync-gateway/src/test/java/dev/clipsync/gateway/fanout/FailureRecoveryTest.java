package dev.clipsync.gateway.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.clipsync.common.testsupport.PrivateRedis;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestTokens;
import dev.clipsync.common.testsupport.ForkedService;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.gateway.SyncGatewayApplication;
import dev.clipsync.common.testsupport.SyncClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Losing Redis or a whole gateway loses no acked clip: every device ends up holding every
 * acked clip exactly once, in seq order.
 */
class FailureRecoveryTest {

	@Test
	void redisStoppedAndRestartedDuringAStreamOfPushesLosesNothing() throws Exception {
		try (TestTokens tokens = new TestTokens();
				PrivateRedis redis = PrivateRedis.start();
				RunningGateway a = RunningGateway.start(tokens, redis.url(), Map.of());
				RunningGateway b = RunningGateway.start(tokens, redis.url(), Map.of())) {
			UUID user = UUID.randomUUID();
			try (SyncClient pusher = SyncClient.connect(a.syncUri(), tokens.token(user, UUID.randomUUID()));
					SyncClient onA = SyncClient.connect(a.syncUri(), tokens.token(user, UUID.randomUUID()));
					SyncClient onB = SyncClient.connect(b.syncUri(), tokens.token(user, UUID.randomUUID()))) {
				Set<Long> acked = ConcurrentHashMap.newKeySet();
				Thread pushing = Thread.ofVirtual().start(() -> {
					for (int i = 0; i < 60; i++) {
						pusher.push("clip " + i);
						JsonNode answer = pusher.next("ack");
						acked.add(answer.get("seq").asLong());
						sleep(50);
					}
				});
				sleep(800);
				redis.stop();
				sleep(1000);
				// without its pub/sub connection a gateway says it is not ready
				assertThat(a.readiness()).isEqualTo(503);
				sleep(500);
				redis.startAgain();
				pushing.join();
				assertThat(acked).hasSize(60);
				for (SyncClient receiver : List.of(onA, onB)) {
					List<Long> seqs = receiver.collect("clip", 60, Duration.ofSeconds(45))
						.stream()
						.map((clip) -> clip.get("seq").asLong())
						.toList();
					assertThat(seqs).isSorted().doesNotHaveDuplicates();
					assertThat(new HashSet<>(seqs)).isEqualTo(acked);
					assertThat(receiver.drain(Duration.ofMillis(500))).isEmpty();
				}
			}
		}
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
				pusher.push(id, "clip " + id);
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

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
