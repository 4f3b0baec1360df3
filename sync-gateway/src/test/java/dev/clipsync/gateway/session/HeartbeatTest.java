package dev.clipsync.gateway.session;

import java.net.Socket;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.TwoGateways;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatTest {

	@Test
	void aClientThatAnswersPingsStaysAndOneThatNeverAnswersIsClosedWith1001() throws Exception {
		TwoGateways shared = TwoGateways.get();
		try (RunningGateway gateway = RunningGateway.start(shared.tokens,
				Map.of("clipsync.connections.heartbeat", "1s", "clipsync.connections.idle-timeout", "3s"));
				SyncClient alive = SyncClient.connect(gateway.syncUri(), shared.token(UUID.randomUUID()));
				Socket silent = new Socket("127.0.0.1", gateway.port())) {
			// A client that completes the handshake and then never reads or answers a
			// ping.
			silent.setSoTimeout(15_000);
			RawWebSocket.handshake(silent, shared.token(UUID.randomUUID()), "");
			long start = System.nanoTime();
			int closeCode = RawWebSocket.readUntilClose(silent.getInputStream());
			assertThat(closeCode).isEqualTo(1001);
			assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(2000);
			// the JDK client answers pings by itself: still here
			assertThat(alive.isClosed()).isFalse();
			alive.send(Map.of("type", "ping"));
			assertThat(alive.next("pong")).isNotNull();
		}
	}

}
