package dev.clipsync.gateway.drain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.TwoGateways;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DrainOnShutdownTest {

	@Test
	void onShutdownEveryConnectionIsClosedWith1012SoClientsGoElsewhere() {
		TwoGateways shared = TwoGateways.get();
		RunningGateway leaving = RunningGateway.start(shared.tokens, Map.of("clipsync.drain.window", "1s"));
		List<SyncClient> clients = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			clients.add(SyncClient.connect(leaving.syncUri(), shared.token(UUID.randomUUID())));
		}
		leaving.close();
		for (SyncClient client : clients) {
			assertThat(client.closeCode(Duration.ofSeconds(10))).isEqualTo(1012);
			client.close();
		}
	}

	@Test
	void whileDrainingNewHandshakesGet503AndClosesAreSpreadOverTheWindow() throws Exception {
		TwoGateways shared = TwoGateways.get();
		RunningGateway leaving = RunningGateway.start(shared.tokens, Map.of("clipsync.drain.window", "4s"));
		List<SyncClient> clients = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			clients.add(SyncClient.connect(leaving.syncUri(), shared.token(UUID.randomUUID())));
		}
		Map<SyncClient, Long> closedAt = new java.util.concurrent.ConcurrentHashMap<>();
		Thread stopping = Thread.ofVirtual().start(leaving::close);
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> {
				for (SyncClient client : clients) {
					if (client.isClosed()) {
						closedAt.putIfAbsent(client, System.nanoTime());
					}
				}
				return !closedAt.isEmpty();
			});
		assertThat(SyncClient.handshakeStatus(leaving.syncUri(),
				Map.of("Authorization", "Bearer " + shared.token(UUID.randomUUID())), List.of("clipsync.v1")))
			.isEqualTo(503);
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> {
				for (SyncClient client : clients) {
					if (client.isClosed()) {
						closedAt.putIfAbsent(client, System.nanoTime());
					}
				}
				return closedAt.size() == clients.size();
			});
		stopping.join();
		for (SyncClient client : clients) {
			assertThat(client.closeCode(Duration.ofSeconds(1))).isEqualTo(1012);
			client.close();
		}
		long first = closedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
		long last = closedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
		// not all at once: the clients would all reconnect at the same instant
		assertThat(Duration.ofNanos(last - first)).isGreaterThan(Duration.ofMillis(500));
	}

}
