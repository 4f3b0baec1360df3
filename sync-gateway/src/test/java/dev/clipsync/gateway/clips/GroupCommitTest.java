package dev.clipsync.gateway.clips;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.clipsync.common.testsupport.SyncClient;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestPostgres;
import dev.clipsync.gateway.RunningGateway;
import dev.clipsync.gateway.TwoGateways;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.dao.DataIntegrityViolationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Pushes of many users share commits: with one commit slot, pushes that arrive while it
 * is busy are stored together. A test holds a user's row lock in its own transaction to
 * keep the slot busy, or a group's transaction open half-way.
 */
class GroupCommitTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static TwoGateways shared;

	private static RunningGateway gateway;

	@BeforeAll
	static void start() {
		shared = TwoGateways.get();
		gateway = RunningGateway.start(shared.tokens,
				Map.of("clipsync.clips.group-commit.commits", "1", "clipsync.clips.quota-per-user", "4KB",
						"clipsync.clips.max-size", "8KB", "clipsync.connections.pushes-per-second", "200",
						"clipsync.connections.push-burst", "600"));
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@Test
	void manyUsersPushingAtOnceKeepEachConnectionsOrderGapFreeSeqsAndIdempotency() throws Exception {
		int users = 20;
		int perConnection = 15;
		List<UUID> userIds = new ArrayList<>();
		List<SyncClient> receivers = new ArrayList<>();
		List<SyncClient> pushers = new ArrayList<>();
		// per pusher, the ids it sent in order; a retry repeats its first id
		Map<SyncClient, List<UUID>> sent = new HashMap<>();
		try {
			for (int u = 0; u < users; u++) {
				UUID user = UUID.randomUUID();
				userIds.add(user);
				receivers.add(SyncClient.connect(gateway.syncUri(), shared.token(user)));
				for (int c = 0; c < 2; c++) {
					SyncClient pusher = SyncClient.connect(gateway.syncUri(), shared.token(user));
					pushers.add(pusher);
					sent.put(pusher, new ArrayList<>());
				}
			}
			for (SyncClient receiver : receivers) {
				receiver.send(Map.of("type", "sync", "after", 0));
				receiver.next("synced");
			}
			long groupedBefore = largestGroup();
			// Every connection sends all its pushes without waiting for acks; both
			// connections of a user also push one shared id at the same time.
			List<UUID> sharedIds = userIds.stream().map((user) -> UUID.randomUUID()).toList();
			for (int i = 0; i < perConnection; i++) {
				for (int p = 0; p < pushers.size(); p++) {
					SyncClient pusher = pushers.get(p);
					List<UUID> ids = sent.get(pusher);
					UUID id = (i == 5) ? sharedIds.get(p / 2) : (i == 10) ? ids.getFirst() : UUID.randomUUID();
					ids.add(id);
					pusher.push(id, "clip " + i + " of pusher " + p);
				}
			}
			Map<UUID, Long> seqOfId = new HashMap<>();
			Map<UUID, Integer> storedShared = new HashMap<>();
			for (int p = 0; p < pushers.size(); p++) {
				SyncClient pusher = pushers.get(p);
				List<JsonNode> acks = pusher.collect("ack", perConnection, WAIT);
				List<UUID> ids = sent.get(pusher);
				long previous = 0;
				for (int i = 0; i < perConnection; i++) {
					JsonNode ack = acks.get(i);
					UUID id = UUID.fromString(ack.get("id").asString());
					long seq = ack.get("seq").asLong();
					assertThat(id).isEqualTo(ids.get(i));
					Long earlier = seqOfId.putIfAbsent(id, seq);
					if (i == 10) {
						// the retry of this connection's first push
						assertThat(ack.get("duplicate").asBoolean()).isTrue();
						assertThat(seq).isEqualTo(earlier);
						continue;
					}
					if (i == 5) {
						// the shared id: stored once, by whichever connection came first
						assertThat(seq).isEqualTo((earlier != null) ? earlier : seq);
						storedShared.merge(id, ack.get("duplicate").asBoolean() ? 0 : 1, Integer::sum);
						if (ack.get("duplicate").asBoolean()) {
							continue;
						}
					}
					assertThat(ack.get("duplicate").asBoolean()).isFalse();
					assertThat(seq).as("seqs of one connection rise in its order").isGreaterThan(previous);
					previous = seq;
				}
			}
			assertThat(storedShared).hasSize(users).allSatisfy((id, stores) -> assertThat(stores).isEqualTo(1));
			for (int u = 0; u < users; u++) {
				UUID user = userIds.get(u);
				// 2 x 15 pushes: 2 retries and one shared id are not stored again
				int stored = 2 * perConnection - 3;
				Map<Long, UUID> rows = storedClips(user);
				assertThat(rows.keySet()).as("gap-free seqs").containsExactlyInAnyOrderElementsOf(seqs(stored));
				rows.forEach((seq, id) -> assertThat(seqOfId.get(id)).isEqualTo(seq));
				List<JsonNode> clips = receivers.get(u).collect("clip", stored, WAIT);
				for (int i = 0; i < stored; i++) {
					long seq = clips.get(i).get("seq").asLong();
					assertThat(seq).isEqualTo(i + 1);
					assertThat(UUID.fromString(clips.get(i).get("id").asString())).isEqualTo(rows.get(seq));
				}
			}
			assertThat(largestGroup()).as("pushes shared commits").isGreaterThan(Math.max(1, groupedBefore));
		}
		finally {
			receivers.forEach(SyncClient::close);
			pushers.forEach(SyncClient::close);
		}
	}

	@Test
	void aGroupIsAckedOnlyAfterItCommitsAndEachPushGetsItsOwnAnswer() throws Exception {
		UUID blocker = UUID.randomUUID();
		// sorted last in a group, so the group's transaction waits on it half-way
		UUID last = Collections.max(List.of(new UUID(Long.MAX_VALUE, Long.MAX_VALUE), new UUID(-1, -1)));
		clearUser(last);
		UUID overQuota = UUID.randomUUID();
		UUID retrying = UUID.randomUUID();
		List<UUID> plain = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
		List<SyncClient> clients = new ArrayList<>();
		try (Connection locks = database(); Connection lastLock = database()) {
			SyncClient retryClient = open(clients, retrying);
			UUID stored = retryClient.push("stored before");
			assertThat(retryClient.next("ack").get("seq").asLong()).isEqualTo(1);
			SyncClient overQuotaClient = open(clients, overQuota);
			overQuotaClient.push("q".repeat(3000));
			assertThat(overQuotaClient.next("ack").get("seq").asLong()).isEqualTo(1);
			SyncClient blockerClient = open(clients, blocker);
			SyncClient tooLargeClient = open(clients, UUID.randomUUID());
			SyncClient lastClient = open(clients, last);
			List<SyncClient> plainClients = new ArrayList<>();
			for (UUID user : plain) {
				plainClients.add(open(clients, user));
			}
			lockUser(locks, blocker);
			lockUser(lastLock, last);

			// The only slot waits on the blocker's lock; what comes meanwhile queues up.
			blockerClient.push("blocked");
			Awaitility.await().atMost(WAIT).until(() -> waitingOnLocks() == 1);
			List<UUID> plainIds = new ArrayList<>();
			for (SyncClient client : plainClients) {
				plainIds.add(client.push("in the group"));
			}
			UUID refusedId = overQuotaClient.push("q".repeat(3000));
			retryClient.push(stored, "stored before");
			lastClient.push("last of the group");
			// refused before storing: answered at once, alone
			tooLargeClient.push("x".repeat(9000));
			assertThat(tooLargeClient.next("error").get("code").asString()).isEqualTo("too_large");
			Awaitility.await().atMost(WAIT).until(() -> waiting() == 6);

			// The group starts and stops at the last user's lock, its other rows written
			// but not committed: nothing is acked, nothing is visible.
			locks.commit();
			assertThat(blockerClient.next("ack").get("seq").asLong()).isEqualTo(1);
			Awaitility.await().atMost(WAIT).until(() -> waiting() == 0 && waitingOnLocks() == 1);
			Thread.sleep(500);
			for (SyncClient client : plainClients) {
				assertNoAnswer(client);
			}
			assertNoAnswer(retryClient);
			assertNoAnswer(overQuotaClient);
			for (UUID user : plain) {
				assertThat(storedClips(user)).isEmpty();
			}

			lastLock.commit();
			for (int i = 0; i < plain.size(); i++) {
				JsonNode ack = plainClients.get(i).next("ack");
				assertThat(ack.get("id").asString()).isEqualTo(plainIds.get(i).toString());
				assertThat(ack.get("seq").asLong()).isEqualTo(1);
				assertThat(storedClips(plain.get(i))).containsExactly(Map.entry(1L, plainIds.get(i)));
			}
			JsonNode refused = overQuotaClient.next("error");
			assertThat(refused.get("code").asString()).isEqualTo("quota_exceeded");
			assertThat(refused.get("id").asString()).isEqualTo(refusedId.toString());
			JsonNode duplicate = retryClient.next("ack");
			assertThat(duplicate.get("seq").asLong()).isEqualTo(1);
			assertThat(duplicate.get("duplicate").asBoolean()).isTrue();
			assertThat(lastClient.next("ack").get("seq").asLong()).isEqualTo(1);
			assertThat(storedClips(overQuota)).hasSize(1);
		}
		finally {
			clients.forEach(SyncClient::close);
		}
	}

	@Test
	void aPushTheDatabaseRefusesFailsAloneAndTheRestOfItsGroupIsStored() throws Exception {
		ClipStore store = gateway.bean(ClipStore.class);
		UUID blocker = UUID.randomUUID();
		List<UUID> users = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
		// Pushes come on virtual threads, as on the gateway, and a push may commit on its
		// own thread: a pool of a few platform threads could block on one commit.
		try (Connection locks = database(); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			lockUser(locks, blocker);
			CompletableFuture<ClipStore.Stored> blocked = CompletableFuture.supplyAsync(
					() -> store.push(blocker, UUID.randomUUID(), UUID.randomUUID(), draft("blocked")), threads);
			Awaitility.await().atMost(WAIT).until(() -> waitingOnLocks() == 1);
			List<CompletableFuture<ClipStore.Stored>> fine = new ArrayList<>();
			for (UUID user : users) {
				fine.add(CompletableFuture
					.supplyAsync(() -> store.push(user, UUID.randomUUID(), UUID.randomUUID(), draft("fine")), threads));
			}
			// PostgreSQL text cannot hold NUL (the gateway refuses such a clip before)
			CompletableFuture<ClipStore.Stored> bad = CompletableFuture.supplyAsync(
					() -> store.push(users.get(1), UUID.randomUUID(), UUID.randomUUID(), draft("bad \u0000 data")),
					threads);
			Awaitility.await().atMost(WAIT).until(() -> waiting() == 4);
			locks.commit();
			assertThat(blocked.get().clip().seq()).isEqualTo(1);
			for (CompletableFuture<ClipStore.Stored> push : fine) {
				assertThat(push.get().clip().seq()).isEqualTo(1);
			}
			assertThat(bad).failsWithin(WAIT)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(DataIntegrityViolationException.class);
			for (UUID user : users) {
				assertThat(storedClips(user)).hasSize(1);
			}
		}
		assertThatExceptionOfType(DataIntegrityViolationException.class).isThrownBy(
				() -> store.push(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), draft("alone \u0000")));
	}

	private static ClipDraft draft(String data) {
		return new ClipDraft(UUID.randomUUID(), "text/plain", data, ClipDraft.UTF8, false, false, null);
	}

	private static SyncClient open(List<SyncClient> clients, UUID user) {
		SyncClient client = SyncClient.connect(gateway.syncUri(), shared.token(user));
		clients.add(client);
		return client;
	}

	private static long largestGroup() {
		return (long) gateway.bean(MeterRegistry.class).get("clipsync.gateway.push.group.size").summary().max();
	}

	private static double waiting() {
		return gateway.bean(MeterRegistry.class).get("clipsync.gateway.push.waiting").gauge().value();
	}

	private static void assertNoAnswer(SyncClient client) {
		assertThat(client.drain(Duration.ofMillis(100)))
			.noneMatch((message) -> List.of("ack", "error").contains(message.get("type").asString()));
	}

	/**
	 * Connections to the test database waiting for a row lock: pushes of a locked user.
	 */
	private static long waitingOnLocks() throws SQLException {
		try (Connection connection = database();
				PreparedStatement select = connection.prepareStatement(
						"""
								select count(*) from pg_stat_activity
								where datname = current_database() and wait_event_type = 'Lock' and query like '%push_clips%'""");
				ResultSet rs = select.executeQuery()) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static List<Long> seqs(int count) {
		List<Long> seqs = new ArrayList<>();
		for (long seq = 1; seq <= count; seq++) {
			seqs.add(seq);
		}
		return seqs;
	}

	private static Connection database() throws SQLException {
		TestPostgres postgres = TestInfrastructure.postgres();
		Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
				postgres.password());
		connection.setAutoCommit(false);
		return connection;
	}

	/**
	 * Hold the user's row lock, as a push of the user does, until the transaction ends.
	 */
	private static void lockUser(Connection connection, UUID user) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement(
				"insert into sync.user_clip_seq (user_id, last_seq) values (?, 0) on conflict do nothing")) {
			insert.setObject(1, user);
			insert.executeUpdate();
		}
		connection.commit();
		try (PreparedStatement lock = connection
			.prepareStatement("select last_seq from sync.user_clip_seq where user_id = ? for update")) {
			lock.setObject(1, user);
			lock.executeQuery().close();
		}
	}

	private static void clearUser(UUID user) throws SQLException {
		try (Connection connection = database()) {
			for (String table : List.of("clips", "user_clip_seq")) {
				try (PreparedStatement delete = connection
					.prepareStatement("delete from sync." + table + " where user_id = ?")) {
					delete.setObject(1, user);
					delete.executeUpdate();
				}
			}
			connection.commit();
		}
	}

	/** The user's committed clips: seq to client id. */
	private static Map<Long, UUID> storedClips(UUID user) throws SQLException {
		try (Connection connection = database();
				PreparedStatement select = connection
					.prepareStatement("select seq, client_id from sync.clips where user_id = ? order by seq")) {
			select.setObject(1, user);
			Map<Long, UUID> rows = new HashMap<>();
			try (ResultSet rs = select.executeQuery()) {
				while (rs.next()) {
					rows.put(rs.getLong(1), rs.getObject(2, UUID.class));
				}
			}
			return rows;
		}
	}

}
