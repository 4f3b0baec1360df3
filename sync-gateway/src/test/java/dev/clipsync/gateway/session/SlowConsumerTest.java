package dev.clipsync.gateway.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.gateway.TwoGateways;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class SlowConsumerTest {

	/**
	 * The black hole of issue 8: a reader that stalls while less than the send buffer
	 * limit is pushed to it used to be left open, silently dropping every later send. Now
	 * its stalled write closes it with 1013; what it got before the close is an unbroken
	 * ascending run, and its neighbours get everything.
	 */
	@Test
	void aStalledReaderIsClosedWith1013AfterTheWriteTimeoutAndItsNeighboursGetEverything() {
		TwoGateways shared = TwoGateways.get();
		try (RunningGateway gateway = RunningGateway.start(shared.tokens,
				Map.of("clipsync.connections.send-buffer-limit", "8MB", "clipsync.connections.write-timeout", "2s"))) {
			UUID user = UUID.randomUUID();
			try (SyncClient pusher = SyncClient.connect(gateway.syncUri(), shared.token(user));
					SyncClient healthy = SyncClient.connect(gateway.syncUri(), shared.token(user));
					SyncClient stuck = SyncClient.connect(gateway.syncUri(), shared.token(user))) {
				healthy.send(Map.of("type", "sync", "after", 0));
				healthy.next("synced");
				stuck.send(Map.of("type", "sync", "after", 0));
				stuck.next("synced");
				stuck.pauseReading();
				String big = "x".repeat(700 * 1024);
				int count = 9;
				for (int i = 0; i < count; i++) {
					pusher.push(big);
					pusher.next("ack");
				}
				assertThat(seqs(healthy.collect("clip", count, Duration.ofSeconds(60)))).isSorted()
					.doesNotHaveDuplicates()
					.hasSize(count);
				awaitSlowConsumerClose(gateway);
				stuck.resumeReading();
				assertThat(stuck.closeCode(Duration.ofSeconds(30))).isEqualTo(1013);
				List<Long> got = new ArrayList<>();
				for (JsonNode message : stuck.drain(Duration.ofMillis(200))) {
					if ("clip".equals(message.get("type").asString())) {
						got.add(message.get("seq").asLong());
					}
				}
				assertThat(got).isSorted().doesNotHaveDuplicates().hasSizeLessThan(count);
				// the others were never held up and still talk
				pusher.send(Map.of("type", "ping"));
				assertThat(pusher.next("pong")).isNotNull();
				healthy.send(Map.of("type", "ping"));
				assertThat(healthy.next("pong")).isNotNull();
			}
		}
	}

	/**
	 * A client that talks while it catches up (a heartbeat, a push) must still read the
	 * 1013. Jetty, left to itself, drops the TCP connection as soon as a close frame with
	 * such a code is written; what the client sends next is answered with a reset, and
	 * the client's kernel discards what it had not read yet, the close frame included
	 * (issue 8: the stalled reader saw 1006).
	 */
	@Test
	void aStalledReaderThatTalksWhileCatchingUpStillReadsTheCloseFrame() throws Exception {
		TwoGateways shared = TwoGateways.get();
		try (RunningGateway gateway = RunningGateway.start(shared.tokens,
				Map.of("clipsync.connections.send-buffer-limit", "8MB", "clipsync.connections.write-timeout", "2s"))) {
			UUID user = UUID.randomUUID();
			try (SyncClient pusher = SyncClient.connect(gateway.syncUri(), shared.token(user));
					SyncClient stuck = SyncClient.connect(gateway.syncUri(), shared.token(user))) {
				stuck.send(Map.of("type", "sync", "after", 0));
				stuck.next("synced");
				stuck.pauseReading();
				String big = "z".repeat(700 * 1024);
				for (int i = 0; i < 9; i++) {
					pusher.push(big);
					pusher.next("ack");
				}
				awaitSlowConsumerClose(gateway);
				Thread talker = Thread.ofVirtual().start(() -> {
					while (!stuck.isClosed()) {
						try {
							stuck.send(Map.of("type", "ping"));
							Thread.sleep(2);
						}
						catch (RuntimeException | InterruptedException ex) {
							return; // the client's side is closed
						}
					}
				});
				stuck.resumeReading();
				assertThat(stuck.closeCode(Duration.ofSeconds(30))).isEqualTo(1013);
				talker.join(Duration.ofSeconds(10));
			}
		}
	}

	@Test
	void aConnectionWhoseQueueOverflowsIsClosedWith1013AndResumesWithNothingLost() {
		TwoGateways shared = TwoGateways.get();
		try (RunningGateway gateway = RunningGateway.start(shared.tokens,
				Map.of("clipsync.connections.send-buffer-limit", "2MB", "clipsync.connections.write-timeout", "60s"))) {
			UUID user = UUID.randomUUID();
			try (SyncClient pusher = SyncClient.connect(gateway.syncUri(), shared.token(user));
					SyncClient stuck = SyncClient.connect(gateway.syncUri(), shared.token(user))) {
				stuck.send(Map.of("type", "sync", "after", 0));
				stuck.next("synced");
				stuck.pauseReading();
				String big = "y".repeat(512 * 1024);
				int count = 40;
				List<Long> acked = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					pusher.push(big);
					acked.add(pusher.next("ack").get("seq").asLong());
				}
				awaitSlowConsumerClose(gateway);
				stuck.resumeReading();
				assertThat(stuck.closeCode(Duration.ofSeconds(30))).isEqualTo(1013);
				List<Long> got = new ArrayList<>();
				for (JsonNode message : stuck.drain(Duration.ofMillis(200))) {
					if ("clip".equals(message.get("type").asString())) {
						got.add(message.get("seq").asLong());
					}
				}
				assertThat(got).isSorted().doesNotHaveDuplicates();
				long last = got.isEmpty() ? 0 : got.get(got.size() - 1);
				// reconnecting from the last seq it holds brings the rest, in order
				try (SyncClient again = SyncClient.connect(gateway.syncUri(), shared.token(user))) {
					again.send(Map.of("type", "sync", "after", last));
					List<Long> rest = seqs(again.collect("clip", (int) acked.stream().filter((s) -> s > last).count(),
							Duration.ofSeconds(60)));
					again.next("synced");
					List<Long> all = new ArrayList<>(got);
					all.addAll(rest);
					assertThat(all).containsExactlyElementsOf(acked);
				}
			}
		}
	}

	/** Wait until the gateway has closed a connection for not reading. */
	private static void awaitSlowConsumerClose(RunningGateway gateway) {
		MeterRegistry meters = gateway.bean(MeterRegistry.class);
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> meters.counter("clipsync.gateway.slow.consumer.closes").count() >= 1);
	}

	private static List<Long> seqs(List<JsonNode> clips) {
		return clips.stream().map((clip) -> clip.get("seq").asLong()).toList();
	}

}
