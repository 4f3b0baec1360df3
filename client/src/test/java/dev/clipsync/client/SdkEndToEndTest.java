package dev.clipsync.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.clipsync.client.profile.Profile;
import dev.clipsync.client.testfleet.Fleet;
import dev.clipsync.common.testsupport.ForkedService;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SDK against a real fleet: every service from its jar in a process of its own, two
 * gateways behind a load balancer, real PostgreSQL and Redis.
 */
class SdkEndToEndTest {

	static final String PASSWORD = "correct horse battery";

	static Fleet fleet;

	@TempDir
	Path root;

	private final List<SyncSession> sessions = new ArrayList<>();

	@BeforeAll
	static void startFleet() {
		fleet = Fleet.shared();
	}

	@AfterEach
	void closeSessions() {
		this.sessions.forEach(SyncSession::close);
		fleet.storageUp();
	}

	@Test
	void aPushReachesTheOtherDeviceOnceAndInOrder() {
		String email = register();
		ClipSync laptop = login("laptop", email);
		ClipSync phone = login("phone", email);
		Received onPhone = new Received();
		SyncSession phoneSession = connect(phone, onPhone);
		SyncSession laptopSession = connect(laptop, new Received());
		awaitConnected(phoneSession, laptopSession);
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(laptopSession.push(Draft.text("clip " + i)));
		}
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> onPhone.clips.size() == 5);
		assertThat(onPhone.texts()).containsExactly("clip 0", "clip 1", "clip 2", "clip 3", "clip 4");
		assertThat(onPhone.clips).extracting(Clip::id).containsExactlyElementsOf(ids);
		assertThat(onPhone.clips).extracting(Clip::from).containsOnly(laptop.account().deviceId());
		assertThat(onPhone.seqs()).isSorted().doesNotHaveDuplicates();
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(laptopSession::outboxEmpty);
		assertThat(phone.history(0, 50).clips()).extracting(Clip::text)
			.containsExactly("clip 0", "clip 1", "clip 2", "clip 3", "clip 4");
	}

	@Test
	void endToEndClipsOpenWithTheSamePassphraseStayLockedWithAnotherAndTheDatabaseHoldsNoPlaintext() throws Exception {
		String email = register();
		ClipSync laptop = login("laptop", email);
		ClipSync phone = login("phone", email);
		ClipSync stranger = login("stranger", email);
		laptop.enableE2e("our shared passphrase");
		phone.enableE2e("our shared passphrase");
		stranger.enableE2e("a different passphrase");
		Received onPhone = new Received();
		Received onStranger = new Received();
		SyncSession pusher = connect(laptop, new Received());
		awaitConnected(connect(phone, onPhone), connect(stranger, onStranger), pusher);
		String secret = "the launch code is 0000-" + UUID.randomUUID();
		UUID id = pusher.push(Draft.text(secret));
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> onPhone.clips.size() == 1 && onStranger.clips.size() == 1);
		Clip opened = onPhone.clips.get(0);
		assertThat(opened.text()).isEqualTo(secret);
		assertThat(opened.encrypted()).isTrue();
		assertThat(opened.locked()).isFalse();
		assertThat(opened.mime()).isEqualTo("text/plain");
		Clip locked = onStranger.clips.get(0);
		assertThat(locked.locked()).isTrue();
		assertThat(locked.isText()).isFalse();
		assertThat(locked.data()).doesNotContain(secret);
		assertThat(phone.latest()).map(Clip::text).contains(secret);
		try (Connection db = fleet.database();
				PreparedStatement query = db.prepareStatement(
						"select client_id, mime, encoding, encrypted, data from clips where user_id = ?")) {
			query.setObject(1, laptop.account().userId());
			try (ResultSet rows = query.executeQuery()) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getObject("client_id")).isEqualTo(id);
				assertThat(rows.getString("mime")).isEqualTo("application/x-clipsync-e2e");
				assertThat(rows.getString("encoding")).isEqualTo("base64");
				assertThat(rows.getBoolean("encrypted")).isTrue();
				String data = rows.getString("data");
				assertThat(data).doesNotContain(secret).doesNotContain("launch");
				assertThat(new String(java.util.Base64.getDecoder().decode(data),
						java.nio.charset.StandardCharsets.ISO_8859_1))
					.doesNotContain("launch")
					.doesNotContain("text/plain");
				assertThat(rows.next()).isFalse();
			}
		}
	}

	@Test
	void aPushStoredButNeverAckedIsResentWithItsIdAndStoredOnce() throws Exception {
		String email = register();
		ClipSync laptop = login("laptop", email);
		// as if the process died after the server stored the push and before the ack
		UUID id = UUID.randomUUID();
		ObjectNode push = new ClipCodec(null).push(id, Draft.text("stored before the crash"));
		laptop.outbox().add(id, push);
		ObjectNode body = push.deepCopy();
		body.remove("type");
		HttpResponse<String> stored = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(discoveredClips(laptop)))
				.header("Authorization", "Bearer " + accessToken(laptop))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(Json.mapper.writeValueAsString(body)))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
		Received events = new Received();
		connect(laptop, events);
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !events.acks.isEmpty());
		assertThat(events.acks.get(0).id()).isEqualTo(id);
		assertThat(events.acks.get(0).duplicate()).isTrue();
		assertThat(laptop.outbox().size()).isZero();
		assertThat(laptop.history(0, 50).clips()).extracting(Clip::id).containsExactly(id);
	}

	@Test
	void whileStorageIsDownAPushWaitsInTheOutboxAndIsStoredOnceWhenItReturns() {
		String email = register();
		ClipSync laptop = login("laptop", email);
		ClipSync phone = login("phone", email);
		Received onPhone = new Received();
		SyncSession laptopSession = connect(laptop, new Received());
		awaitConnected(connect(phone, onPhone), laptopSession);
		fleet.storageDown();
		UUID id = laptopSession.push(Draft.text("copied while the database was away"));
		// the gateway answers unavailable; the client keeps retrying with the same id
		Awaitility.await()
			.during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(() -> laptop.outbox().contains(id));
		fleet.storageUp();
		Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> onPhone.clips.size() == 1);
		assertThat(laptopSession.acked(id)).succeedsWithin(Duration.ofSeconds(10));
		assertThat(laptop.outbox().size()).isZero();
		assertThat(laptop.history(0, 50).clips()).extracting(Clip::id).containsExactly(id);
		assertThat(onPhone.texts()).containsExactly("copied while the database was away");
	}

	@Test
	void aGatewayKilledMidStreamLosesNothingAndDeliversNothingTwice() throws Exception {
		String email = register();
		ClipSync laptop = login("laptop", email);
		ClipSync phone = login("phone", email);
		Received onPhone = new Received();
		Received onLaptop = new Received();
		SyncSession phoneSession = connect(phone, onPhone);
		SyncSession laptopSession = connect(laptop, onLaptop);
		awaitConnected(phoneSession, laptopSession);
		List<String> pushed = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			String text = "stream " + i;
			laptopSession.push(Draft.text(text));
			pushed.add(text);
			if (i == 15) {
				ForkedService victim = fleet.gateways().get(0);
				fleet.killGateway(victim);
				fleet.addGateway();
			}
			Thread.sleep(50);
		}
		Awaitility.await()
			.atMost(Duration.ofSeconds(60))
			.until(() -> onPhone.clips.size() >= 40 && laptopSession.outboxEmpty());
		Thread.sleep(1000);
		assertThat(onPhone.texts()).containsExactlyElementsOf(pushed);
		assertThat(onPhone.seqs()).isSorted().doesNotHaveDuplicates();
		assertThat(phone.history(0, 200).clips()).extracting(Clip::text).containsExactlyElementsOf(pushed);
	}

	@Test
	void swapsItsAccessTokenInBandBeforeItExpiresWithoutReconnecting() {
		String email = register();
		ClipSync laptop = login("laptop", email);
		ClipSync phone = login("phone", email);
		String before = accessToken(laptop);
		Received onLaptop = new Received();
		Received onPhone = new Received();
		SyncSession laptopSession = connect(laptop, onLaptop);
		awaitConnected(laptopSession, connect(phone, onPhone));
		// the fleet's tokens live 60 s: the swap comes a third of that before expiry,
		// about 40 s after the login
		Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> !onLaptop.authed.isEmpty());
		assertThat(accessToken(laptop)).isNotEqualTo(before);
		// and the new token is kept until its own time comes (a fixed two-minute margin
		// swapped a short token again every second)
		Awaitility.await()
			.during(Duration.ofSeconds(5))
			.atMost(Duration.ofSeconds(6))
			.until(() -> onLaptop.authed.size() == 1);
		assertThat(onLaptop.states).hasSize(1).allMatch((state) -> state.startsWith("CONNECTED"));
		laptopSession.push(Draft.text("after the swap"));
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> onPhone.clips.size() == 1);
	}

	@Test
	void aRevokedDeviceIsToldItWasSignedOut() {
		String email = register();
		ClipSync laptop = login("laptop", email);
		ClipSync old = login("old-phone", email);
		Received onOld = new Received();
		SyncSession oldSession = connect(old, onOld);
		awaitConnected(oldSession);
		laptop.revoke(old.account().deviceId());
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> oldSession.state() == SyncSession.State.SIGNED_OUT);
		assertThat(onOld.states).last().asString().contains("signed out");
		assertThat(laptop.devices()).extracting(Device::deviceId).doesNotContain(old.account().deviceId());
	}

	private static String register() {
		String email = "sdk-" + UUID.randomUUID() + "@example.com";
		ClipSync.register(fleet.server(), email, PASSWORD, null);
		return email;
	}

	private ClipSync login(String device, String email) {
		return ClipSync.login(Profile.open(this.root, device), fleet.server(), email, PASSWORD, device, "linux");
	}

	private SyncSession connect(ClipSync client, Received listener) {
		SyncSession session = client.connect(listener, false);
		this.sessions.add(session);
		return session;
	}

	private static void awaitConnected(SyncSession... sessions) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> java.util.Arrays.stream(sessions).allMatch((s) -> s.state() == SyncSession.State.CONNECTED));
	}

	private static String accessToken(ClipSync client) {
		return client.profile()
			.read(Credentials.FILE)
			.map((text) -> Json.mapper.readTree(text).get("accessToken").asString())
			.orElseThrow();
	}

	private static String discoveredClips(ClipSync client) {
		return Json.mapper.readTree(client.profile().read(ClipSync.ENDPOINTS_FILE).orElseThrow())
			.get("clips")
			.asString();
	}

	/** What a listener was told, in order. */
	static final class Received implements SyncListener {

		final List<Clip> clips = new CopyOnWriteArrayList<>();

		final List<Ack> acks = new CopyOnWriteArrayList<>();

		final List<String> states = new CopyOnWriteArrayList<>();

		final List<java.time.Instant> authed = new CopyOnWriteArrayList<>();

		@Override
		public void authed(java.time.Instant expiresAt) {
			this.authed.add(expiresAt);
		}

		@Override
		public void clip(Clip clip, boolean replayed) {
			this.clips.add(clip);
		}

		@Override
		public void acked(Ack ack) {
			this.acks.add(ack);
		}

		@Override
		public void state(SyncSession.State state, String detail) {
			this.states.add(state + ": " + detail);
		}

		List<String> texts() {
			return this.clips.stream().map(Clip::text).toList();
		}

		List<Long> seqs() {
			return this.clips.stream().map(Clip::seq).toList();
		}

	}

}
