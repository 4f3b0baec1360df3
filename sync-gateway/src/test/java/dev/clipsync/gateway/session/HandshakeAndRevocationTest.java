package dev.clipsync.gateway.session;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.token.DeviceDenyList;
import dev.clipsync.common.wire.SignOut;
import dev.clipsync.common.wire.UserChannelCodec;
import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.gateway.TwoGateways;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeAndRevocationTest {

	private final TwoGateways gateways = TwoGateways.get();

	@Test
	void aHandshakeWithoutAValidTokenGets401AndNoUpgrade() {
		UUID user = UUID.randomUUID();
		assertThat(status(Map.of())).isEqualTo(401);
		assertThat(status(Map.of("Authorization", "Bearer garbage"))).isEqualTo(401);
		assertThat(status(Map.of("Authorization", "Basic dXNlcjpwYXNz"))).isEqualTo(401);
		String expired = this.gateways.tokens.token(user, UUID.randomUUID(), Instant.now().minusSeconds(3600),
				Duration.ofMinutes(15));
		assertThat(status(Map.of("Authorization", "Bearer " + expired))).isEqualTo(401);
		assertThat(SyncClient.handshakeStatus(this.gateways.a.syncUri(), Map.of(), List.of("clipsync.v1", "bearer.x")))
			.isEqualTo(401);
		assertThat(status(Map.of("Authorization", "Bearer " + this.gateways.token(user)))).isEqualTo(101);
	}

	@Test
	void aPlainRequestToTheSyncEndpointGets400Problem() throws Exception {
		String token = this.gateways.token(UUID.randomUUID());
		HttpResponse<String> plain = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(this.gateways.a.baseUrl() + "/v1/sync"))
				.header("Authorization", "Bearer " + token)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(plain.statusCode()).isEqualTo(400);
		assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(plain.body()).contains("\"code\":\"bad_request\"").contains("WebSocket");
		// Answered ahead of the servlet filters, so the handler sets these itself.
		assertThat(plain.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(plain.headers().firstValue("Cache-Control")).hasValue("no-store");
		// The gateway still serves handshakes and its other endpoints.
		assertThat(status(Map.of("Authorization", "Bearer " + token))).isEqualTo(101);
		assertThat(this.gateways.a.readiness()).isEqualTo(200);
	}

	@Test
	void compressionIsDeclinedEvenWhenTheClientOffersIt() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.gateways.a.port())) {
			socket.setSoTimeout(10_000);
			String head = RawWebSocket.handshake(socket, this.gateways.token(UUID.randomUUID()),
					"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
			assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("Sec-WebSocket-Protocol: clipsync.v1");
			assertThat(head.toLowerCase()).doesNotContain("sec-websocket-extensions");
		}
	}

	@Test
	void browsersAuthenticateWithTheBearerSubprotocolAndGetClipsyncV1() {
		UUID user = UUID.randomUUID();
		try (SyncClient browser = SyncClient.connectWithSubprotocol(this.gateways.b.syncUri(),
				this.gateways.token(user))) {
			assertThat(browser.welcome().get("type").asString()).isEqualTo("welcome");
			assertThat(browser.subprotocol()).isEqualTo("clipsync.v1");
		}
	}

	@Test
	void aSignedOutDeviceIsClosedWith4403AtOnceAndItsTokenRefusedAtTheNextHandshake() {
		UUID user = UUID.randomUUID();
		UUID revoked = UUID.randomUUID();
		String token = this.gateways.tokens.token(user, revoked);
		try (SyncClient onA = SyncClient.connect(this.gateways.a.syncUri(), token);
				SyncClient onB = SyncClient.connect(this.gateways.b.syncUri(), token);
				SyncClient sibling = SyncClient.connect(this.gateways.b.syncUri(), this.gateways.token(user))) {
			// what auth-service does on DELETE /v1/devices/{id}
			StringRedisTemplate redis = this.gateways.a.bean(StringRedisTemplate.class);
			RedisNames names = new RedisNames(TestInfrastructure.redis().keyPrefix());
			new DeviceDenyList(redis, names).denyAll(user, revoked, Duration.ofMinutes(16));
			redis.convertAndSend(names.userChannel(user), this.gateways.a.bean(UserChannelCodec.class)
				.encode(new SignOut(SignOut.Reason.DEVICE_REVOKED, List.of(revoked), Instant.now())));
			// Timing is for benchmarks; here: closed by the message, well before any
			// heartbeat.
			assertThat(onA.closeCode(Duration.ofSeconds(10))).isEqualTo(4403);
			assertThat(onB.closeCode(Duration.ofSeconds(10))).isEqualTo(4403);
			// the sibling device stays connected
			sibling.send(Map.of("type", "ping"));
			assertThat(sibling.next("pong")).isNotNull();
			assertThat(status(Map.of("Authorization", "Bearer " + token))).isEqualTo(401);
		}
	}

	@Test
	void aTokenPresentedAgainIsNotVerifiedAgainButItsSignOutStillEndsItsSessionsAndHandshakes() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		String token = this.gateways.tokens.token(user, device);
		try (SyncClient first = SyncClient.connect(this.gateways.a.syncUri(), token);
				SyncClient again = SyncClient.connect(this.gateways.a.syncUri(), token)) {
			first.welcome();
			again.welcome();
			// one verification for both: the reconnect got the remembered token
			List<ClientSession> sessions = this.gateways.a.bean(LocalSessions.class)
				.all()
				.stream()
				.filter((session) -> session.deviceId().equals(device))
				.toList();
			assertThat(sessions).hasSize(2);
			assertThat(sessions.get(0).token()).isSameAs(sessions.get(1).token());
			StringRedisTemplate redis = this.gateways.a.bean(StringRedisTemplate.class);
			RedisNames names = new RedisNames(TestInfrastructure.redis().keyPrefix());
			new DeviceDenyList(redis, names).denyAll(user, device, Duration.ofMinutes(16));
			redis.convertAndSend(names.userChannel(user), this.gateways.a.bean(UserChannelCodec.class)
				.encode(new SignOut(SignOut.Reason.LOGGED_OUT, List.of(device), Instant.now())));
			assertThat(first.closeCode(Duration.ofSeconds(10))).isEqualTo(4403);
			assertThat(again.closeCode(Duration.ofSeconds(10))).isEqualTo(4403);
			// still remembered as verified, and refused for the deny entry
			assertThat(status(Map.of("Authorization", "Bearer " + token))).isEqualTo(401);
		}
	}

	@Test
	void aSignedOutDeviceWhoseMessageWasLostIsClosedSoonAfterTheNextHeartbeat() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		try (RunningGateway gateway = RunningGateway.start(this.gateways.tokens,
				Map.of("clipsync.connections.heartbeat", "1s"));
				SyncClient client = SyncClient.connect(gateway.syncUri(), this.gateways.tokens.token(user, device));
				SyncClient sameUser = SyncClient.connect(gateway.syncUri(),
						this.gateways.tokens.token(user, UUID.randomUUID()));
				SyncClient otherUser = SyncClient.connect(gateway.syncUri(),
						this.gateways.tokens.token(UUID.randomUUID(), UUID.randomUUID()))) {
			// the deny entry only: as if the sign-out message on the channel had been
			// lost
			new DeviceDenyList(gateway.bean(StringRedisTemplate.class),
					new RedisNames(TestInfrastructure.redis().keyPrefix()))
				.denyAll(user, device, Duration.ofMinutes(16));
			assertThat(client.closeCode(Duration.ofSeconds(10))).isEqualTo(4403);
			// checked in the same heartbeat batch, and left alone
			sameUser.send(Map.of("type", "ping"));
			assertThat(sameUser.next("pong")).isNotNull();
			assertThat(otherUser.isClosed()).isFalse();
		}
	}

	@Test
	void aUserOverTheConnectionLimitIsClosedWith4429() {
		UUID user = UUID.randomUUID();
		List<SyncClient> clients = new java.util.ArrayList<>();
		try {
			for (int i = 0; i < 20; i++) {
				clients.add(SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user)));
			}
			try (SyncClient oneTooMany = SyncClient.connectRaw(this.gateways.a.syncUri(), this.gateways.token(user))) {
				assertThat(oneTooMany.closeCode(Duration.ofSeconds(5))).isEqualTo(4429);
			}
			// another user is not affected
			try (SyncClient other = SyncClient.connect(this.gateways.a.syncUri(),
					this.gateways.token(UUID.randomUUID()))) {
				assertThat(other.welcome()).isNotNull();
			}
		}
		finally {
			clients.forEach(SyncClient::close);
		}
	}

	private int status(Map<String, String> headers) {
		return SyncClient.handshakeStatus(this.gateways.a.syncUri(), headers, List.of("clipsync.v1"));
	}

}
