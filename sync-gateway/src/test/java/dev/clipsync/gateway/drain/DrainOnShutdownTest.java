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

}
