package dev.clipsync.gateway.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.TwoGateways;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class SyncProtocolTest {

	private final TwoGateways gateways = TwoGateways.get();

	@Test
	void welcomesWithTheUserDeviceAndLatestSeq() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(),
				this.gateways.tokens.token(user, device))) {
			JsonNode welcome = client.welcome();
			assertThat(welcome.get("protocol").asInt()).isEqualTo(1);
			assertThat(welcome.get("userId").asString()).isEqualTo(user.toString());
			assertThat(welcome.get("deviceId").asString()).isEqualTo(device.toString());
			assertThat(UUID.fromString(welcome.get("sessionId").asString())).isNotNull();
			assertThat(welcome.get("latestSeq").asLong()).isZero();
			assertThat(welcome.get("heartbeatSeconds").asInt()).isEqualTo(25);
			assertThat(welcome.get("maxClipBytes").asLong()).isEqualTo(1_048_576);
			assertThat(client.subprotocol()).isEqualTo("clipsync.v1");
		}
	}

	@Test
	void aClipReachesTheUsersOtherDevicesOnBothGatewaysButNotThePusherNorOtherUsers() {
		UUID user = UUID.randomUUID();
		try (SyncClient pusher = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user));
				SyncClient sameGateway = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user));
				SyncClient otherGateway = SyncClient.connect(this.gateways.b.syncUri(), this.gateways.token(user));
				SyncClient stranger = SyncClient.connect(this.gateways.b.syncUri(),
						this.gateways.token(UUID.randomUUID()))) {
			UUID id = pusher.push("hello");
			JsonNode ack = pusher.next();
			assertThat(ack.get("type").asString()).isEqualTo("ack");
			assertThat(ack.get("id").asString()).isEqualTo(id.toString());
			assertThat(ack.get("seq").asLong()).isEqualTo(1);
			assertThat(ack.get("duplicate").asBoolean()).isFalse();
			for (SyncClient receiver : List.of(sameGateway, otherGateway)) {
				JsonNode clip = receiver.next();
				assertThat(clip.get("type").asString()).isEqualTo("clip");
				assertThat(clip.get("seq").asLong()).isEqualTo(1);
				assertThat(clip.get("id").asString()).isEqualTo(id.toString());
				assertThat(clip.get("from").asString()).isEqualTo(pusher.welcome().get("deviceId").asString());
				assertThat(clip.get("mime").asString()).isEqualTo("text/plain");
				assertThat(clip.get("data").asString()).isEqualTo("hello");
				assertThat(clip.get("encoding").asString()).isEqualTo("utf8");
				assertThat(clip.get("encrypted").asBoolean()).isFalse();
				assertThat(clip.get("createdAt").asString()).isNotBlank();
			}
			assertThat(pusher.drain(Duration.ofMillis(500))).isEmpty();
			assertThat(stranger.drain(Duration.ofMillis(100))).isEmpty();
			assertThat(sameGateway.drain(Duration.ofMillis(100))).isEmpty();
			assertThat(otherGateway.drain(Duration.ofMillis(100))).isEmpty();
		}
	}

	@Test
	void everyDeviceSeesABurstFromThreeDevicesOnTwoGatewaysInSeqOrder() throws Exception {
		UUID user = UUID.randomUUID();
		List<SyncClient> pushers = List.of(SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user)),
				SyncClient.connect(this.gateways.b.syncUri(), this.gateways.token(user)),
				SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user)));
		List<SyncClient> watchers = List.of(SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user)),
				SyncClient.connect(this.gateways.b.syncUri(), this.gateways.token(user)));
		int total = 500;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(3);
		List<Future<List<Long>>> acked = new ArrayList<>();
		for (int p = 0; p < pushers.size(); p++) {
			SyncClient pusher = pushers.get(p);
			int count = total / 3 + ((p < total % 3) ? 1 : 0);
			acked.add(threads.submit(() -> {
				start.await();
				for (int i = 0; i < count; i++) {
					pusher.push("clip " + i);
				}
				return pusher.collect("ack", count, Duration.ofSeconds(60))
					.stream()
					.map((ack) -> ack.get("seq").asLong())
					.toList();
			}));
		}
		start.countDown();
		Set<Long> allAcked = new HashSet<>();
		for (Future<List<Long>> seqs : acked) {
			List<Long> ofOnePusher = seqs.get();
			assertThat(ofOnePusher).isSorted();
			allAcked.addAll(ofOnePusher);
		}
		threads.shutdown();
		assertThat(allAcked).hasSize(total).allMatch((seq) -> seq >= 1 && seq <= total);

		for (SyncClient watcher : watchers) {
			List<Long> seqs = watcher.collect("clip", total, Duration.ofSeconds(60))
				.stream()
				.map((clip) -> clip.get("seq").asLong())
				.toList();
			assertThat(seqs).hasSize(total).isSorted().doesNotHaveDuplicates();
		}
		for (int p = 0; p < pushers.size(); p++) {
			// each pusher gets the others' clips, in order, and never its own
			List<Long> seqs = pushers.get(p)
				.collect("clip", total - total / 3 - ((p < total % 3) ? 1 : 0), Duration.ofSeconds(30))
				.stream()
				.map((clip) -> clip.get("seq").asLong())
				.toList();
			assertThat(seqs).isSorted().doesNotHaveDuplicates();
			assertThat(seqs).hasSize(total - (total / 3 + ((p < total % 3) ? 1 : 0)));
		}
		pushers.forEach(SyncClient::close);
		watchers.forEach(SyncClient::close);
	}

	@Test
	void theSamePushIdIsStoredOnceAckedTwiceAndDeliveredOnce() {
		UUID user = UUID.randomUUID();
		try (SyncClient pusher = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user));
				SyncClient receiver = SyncClient.connect(this.gateways.b.syncUri(), this.gateways.token(user))) {
			UUID id = UUID.randomUUID();
			pusher.push(id, "once");
			JsonNode first = pusher.next();
			pusher.push(id, "once");
			JsonNode second = pusher.next();
			assertThat(first.get("duplicate").asBoolean()).isFalse();
			assertThat(second.get("duplicate").asBoolean()).isTrue();
			assertThat(second.get("seq").asLong()).isEqualTo(first.get("seq").asLong());
			assertThat(receiver.next().get("seq").asLong()).isEqualTo(first.get("seq").asLong());
			assertThat(receiver.drain(Duration.ofMillis(500))).isEmpty();
		}
	}

	@Test
	void aDeviceThatWasAwayGetsExactlyWhatItMissedThenLiveClipsWhilePushesContinue() throws Exception {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		try (SyncClient pusher = SyncClient.connect(this.gateways.a.syncUri(), this.gateways.token(user))) {
			long before;
			try (SyncClient away = SyncClient.connect(this.gateways.b.syncUri(),
					this.gateways.tokens.token(user, device))) {
				pusher.push("before");
				before = pusher.next("ack").get("seq").asLong();
				assertThat(away.next("clip").get("seq").asLong()).isEqualTo(before);
			}
			for (int i = 0; i < 100; i++) {
				pusher.push("missed " + i);
			}
			assertThat(pusher.collect("ack", 100, Duration.ofSeconds(30))).hasSize(100);
			Thread pushing = Thread.ofVirtual().start(() -> {
				for (int i = 0; i < 50; i++) {
					pusher.push("live " + i);
				}
			});
			try (SyncClient back = SyncClient.connect(this.gateways.a.syncUri(),
					this.gateways.tokens.token(user, device))) {
				back.send(Map.of("type", "sync", "after", before));
				List<JsonNode> received = new ArrayList<>();
				JsonNode synced = null;
				while (received.size() < 150) {
					JsonNode message = back.next();
					if ("synced".equals(message.get("type").asString())) {
						synced = message;
					}
					else {
						received.add(message);
					}
				}
				pushing.join();
				List<Long> seqs = received.stream().map((clip) -> clip.get("seq").asLong()).toList();
				assertThat(seqs).hasSize(150).isSorted().doesNotHaveDuplicates();
				assertThat(seqs.get(0)).isEqualTo(before + 1);
				assertThat(seqs.get(149)).isEqualTo(before + 150);
				assertThat(received.get(0).get("data").asString()).isEqualTo("missed 0");
				if (synced == null) {
					synced = back.next("synced");
				}
				assertThat(synced.get("latestSeq").asLong()).isGreaterThanOrEqualTo(before + 100);
				assertThat(back.drain(Duration.ofMillis(500))).isEmpty();
			}
		}
	}

	@Test
	void pingGetsPong() {
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(),
				this.gateways.token(UUID.randomUUID()))) {
			client.send(Map.of("type", "ping"));
			assertThat(client.next().get("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void aFreshTokenCanBeSwappedInButNotAnotherDevicesToken() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(),
				this.gateways.tokens.token(user, device))) {
			client.send(Map.of("type", "auth", "token", this.gateways.tokens.token(user, device)));
			JsonNode authed = client.next();
			assertThat(authed.get("type").asString()).isEqualTo("authed");
			assertThat(authed.get("expiresAt").asString()).isNotBlank();
			client.send(Map.of("type", "auth", "token", this.gateways.tokens.token(user, UUID.randomUUID())));
			JsonNode refused = client.next();
			assertThat(refused.get("type").asString()).isEqualTo("error");
			assertThat(refused.get("code").asString()).isEqualTo("unauthorized");
			client.send(Map.of("type", "auth", "token", "garbage"));
			assertThat(client.next().get("code").asString()).isEqualTo("unauthorized");
		}
	}

	@Test
	void aTokenThatExpiresWithoutASwapClosesTheSocketWith4401() {
		UUID user = UUID.randomUUID();
		String shortLived = this.gateways.tokens.token(user, UUID.randomUUID(), java.time.Instant.now(),
				Duration.ofSeconds(2));
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(), shortLived)) {
			assertThat(client.closeCode(Duration.ofSeconds(10))).isEqualTo(4401);
		}
	}

	@Test
	void aTokenSwappedInBeforeExpiryKeepsTheSocketOpenPastTheOldExpiry() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		java.time.Instant now = java.time.Instant.now();
		String shortLived = this.gateways.tokens.token(user, device, now, Duration.ofSeconds(3));
		try (SyncClient client = SyncClient.connect(this.gateways.a.syncUri(), shortLived)) {
			client.send(Map.of("type", "auth", "token", this.gateways.tokens.token(user, device)));
			assertThat(client.next("authed")).isNotNull();
			// well past the first token's expiry the connection still answers
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(20))
				.until(() -> java.time.Instant.now().isAfter(now.plusSeconds(6)));
			client.send(Map.of("type", "ping"));
			assertThat(client.next("pong")).isNotNull();
			assertThat(client.isClosed()).isFalse();
		}
	}

}
