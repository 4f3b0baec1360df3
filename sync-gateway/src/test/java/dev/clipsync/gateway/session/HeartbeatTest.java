package dev.clipsync.gateway.session;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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
			handshake(silent, shared.token(UUID.randomUUID()));
			long start = System.nanoTime();
			int closeCode = readUntilClose(silent.getInputStream());
			assertThat(closeCode).isEqualTo(1001);
			assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(2000);
			// the JDK client answers pings by itself: still here
			assertThat(alive.isClosed()).isFalse();
			alive.send(Map.of("type", "ping"));
			assertThat(alive.next("pong")).isNotNull();
		}
	}

	private static void handshake(Socket socket, String token) throws IOException {
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		String request = "GET /v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
				+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: clipsync.v1\r\n" + "Authorization: Bearer "
				+ token + "\r\n\r\n";
		OutputStream out = socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		StringBuilder headers = new StringBuilder();
		while (!headers.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("closed during handshake");
			}
			headers.append((char) b);
		}
		assertThat(headers.toString()).startsWith("HTTP/1.1 101");
	}

	/** Reads server frames (unmasked) until a close frame; returns its code. */
	private static int readUntilClose(InputStream stream) throws IOException {
		DataInputStream in = new DataInputStream(stream);
		while (true) {
			int opcode = in.readUnsignedByte() & 0x0F;
			long length = in.readUnsignedByte() & 0x7F;
			if (length == 126) {
				length = in.readUnsignedShort();
			}
			else if (length == 127) {
				length = in.readLong();
			}
			byte[] payload = in.readNBytes((int) length);
			if (opcode == 0x8) {
				return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
			}
		}
	}

}
