package dev.clipsync.gateway.session;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.TwoGateways;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlowConsumerTest {

	@Test
	void aConnectionThatStopsReadingIsClosedAndNeverHoldsUpTheOthers() {
		TwoGateways shared = TwoGateways.get();
		try (RunningGateway gateway = RunningGateway.start(shared.tokens,
				Map.of("clipsync.connections.send-buffer-limit", "2MB"))) {
			UUID user = UUID.randomUUID();
			try (SyncClient pusher = SyncClient.connect(gateway.syncUri(), shared.token(user));
					SyncClient healthy = SyncClient.connect(gateway.syncUri(), shared.token(user));
					SyncClient stuck = SyncClient.connect(gateway.syncUri(), shared.token(user))) {
				healthy.send(Map.of("type", "sync", "after", 0));
				healthy.next("synced");
				stuck.send(Map.of("type", "sync", "after", 0));
				stuck.next("synced");
				stuck.pauseReading();
				String big = "x".repeat(512 * 1024);
				int count = 40;
				for (int i = 0; i < count; i++) {
					pusher.push(big);
					pusher.next("ack");
				}
				// the healthy device gets all of it, in order, while the stuck one is cut
				// off
				assertThat(healthy.collect("clip", count, Duration.ofSeconds(60))).hasSize(count);
				MeterRegistry meters = gateway.bean(MeterRegistry.class);
				Awaitility.await()
					.atMost(Duration.ofSeconds(30))
					.until(() -> meters.counter("clipsync.gateway.slow.consumer.closes").count() >= 1);
				stuck.resumeReading();
				assertThat(stuck.closeCode(Duration.ofSeconds(30))).isIn(1013, 1006);
			}
		}
	}

}
