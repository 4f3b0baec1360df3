package dev.clipsync.gateway.fanout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.gateway.TwoGateways;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway listens to exactly the channels of the users with a session on it, and every
 * session is live on a confirmed subscription, however sessions of one user open and
 * close at once.
 */
class SubscriptionRaceTest {

	@Test
	void aSessionOpenedWhileTheUsersLastOneClosesStillHearsClipsFromOtherGateways() throws Exception {
		TwoGateways gateways = TwoGateways.get();
		UUID user = UUID.randomUUID();
		try (SyncClient pusher = SyncClient.connect(gateways.b.syncUri(), gateways.token(user))) {
			for (int round = 0; round < 20; round++) {
				SyncClient leaving = SyncClient.connect(gateways.a.syncUri(), gateways.token(user));
				Thread closing = Thread.ofVirtual().start(leaving::close);
				try (SyncClient arriving = SyncClient.connect(resume(gateways.a.syncUri()), gateways.token(user))) {
					closing.join();
					arriving.next("synced");
					pusher.push("round " + round);
					long seq = pusher.next("ack").get("seq").asLong();
					assertThat(arriving.next("clip").get("seq").asLong()).as("round %d", round).isEqualTo(seq);
				}
			}
		}
		UserChannels channels = gateways.a.bean(UserChannels.class);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(channels.listening()).doesNotContain(user));
	}

	@Test
	void sessionsOfANewUserOpenedTogetherAreAllLiveOnTheSubscription() throws Exception {
		TwoGateways gateways = TwoGateways.get();
		UUID user = UUID.randomUUID();
		List<SyncClient> clients = new ArrayList<>();
		try (SyncClient pusher = SyncClient.connect(gateways.b.syncUri(), gateways.token(user))) {
			List<Thread> opening = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				opening.add(Thread.ofVirtual().start(() -> {
					SyncClient client = SyncClient.connect(resume(gateways.a.syncUri()), gateways.token(user));
					synchronized (clients) {
						clients.add(client);
					}
				}));
			}
			for (Thread thread : opening) {
				thread.join();
			}
			for (SyncClient client : clients) {
				client.next("synced");
			}
			pusher.push("to all");
			long seq = pusher.next("ack").get("seq").asLong();
			for (SyncClient client : clients) {
				assertThat(client.next("clip").get("seq").asLong()).isEqualTo(seq);
			}
			assertThat(gateways.a.bean(UserChannels.class).listening()).contains(user);
		}
		finally {
			clients.forEach(SyncClient::close);
		}
		UserChannels channels = gateways.a.bean(UserChannels.class);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Set.copyOf(channels.listening())).doesNotContain(user));
	}

	@Test
	void manyUsersConnectingAtOnceAreEachLiveOnTheirOwnChannel() throws Exception {
		TwoGateways gateways = TwoGateways.get();
		List<UUID> users = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			users.add(UUID.randomUUID());
		}
		List<SyncClient> receivers = new ArrayList<>();
		try {
			// a reconnect storm in small: one subscription round takes in every user that
			// arrived meanwhile
			List<Thread> opening = new ArrayList<>();
			for (UUID user : users) {
				opening.add(Thread.ofVirtual().start(() -> {
					SyncClient client = SyncClient.connect(resume(gateways.a.syncUri()), gateways.token(user));
					synchronized (receivers) {
						receivers.add(client);
					}
				}));
			}
			for (Thread thread : opening) {
				thread.join();
			}
			assertThat(gateways.a.bean(UserChannels.class).listening()).containsAll(users);
			for (SyncClient receiver : receivers) {
				UUID user = UUID.fromString(receiver.welcome().get("userId").asString());
				receiver.next("synced");
				try (SyncClient pusher = SyncClient.connect(gateways.b.syncUri(), gateways.token(user))) {
					pusher.push("to " + user);
					long seq = pusher.next("ack").get("seq").asLong();
					assertThat(receiver.next("clip").get("seq").asLong()).as("user %s", user).isEqualTo(seq);
				}
			}
		}
		finally {
			receivers.forEach(SyncClient::close);
		}
		UserChannels channels = gateways.a.bean(UserChannels.class);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Set.copyOf(channels.listening())).doesNotContainAnyElementsOf(users));
	}

	/** Resume at the handshake from the user's current end: live at once. */
	private static URI resume(URI sync) {
		return URI.create(sync + "?after=" + Long.MAX_VALUE / 2);
	}

}
