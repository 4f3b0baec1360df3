package dev.clipsync.common.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestRedis;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.types.RedisClientInfo;

import static org.assertj.core.api.Assertions.assertThat;

class StreamGroupReaderTest {

	private LettuceConnectionFactory connections;

	private StringRedisTemplate redis;

	private String stream;

	private String clientName;

	@BeforeEach
	void connect() {
		TestRedis server = TestInfrastructure.redis();
		this.clientName = "stream-reader-test-" + UUID.randomUUID();
		this.connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(server.host(), server.port()),
				LettuceClientConfiguration.builder().clientName(this.clientName).build());
		this.connections.afterPropertiesSet();
		this.connections.start();
		this.redis = new StringRedisTemplate(this.connections);
		this.stream = server.keyPrefix() + ":test-stream:" + UUID.randomUUID();
	}

	@AfterEach
	void close() {
		this.redis.delete(this.stream);
		this.connections.destroy();
	}

	@Test
	void anEntryWhoseHandlerFailsBecauseADatabaseIsAwayIsOfferedAgainUntilItIsHandled() {
		AtomicInteger attempts = new AtomicInteger();
		List<String> handled = new CopyOnWriteArrayList<>();
		StreamGroupReader reader = reader((entry) -> {
			if (attempts.incrementAndGet() <= 3) {
				throw new DataAccessResourceFailureException("database away");
			}
			handled.add(entry.get("n"));
		}, Duration.ofMinutes(1));
		add("1");
		reader.start();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains("1"));
			add("2");
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains("2"));
			assertThat(handled).containsExactly("1", "2");
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pending() == 0);
		}
		finally {
			reader.stop();
		}
	}

	@Test
	void entriesLeftPendingByAMemberThatDiedAreTakenOverByALiveOne() {
		this.redis.opsForStream().createGroup(this.stream, ReadOffset.from("0"), "group");
		add("orphan");
		// a member takes the entry and dies before acknowledging it
		this.redis.opsForStream()
			.read(org.springframework.data.redis.connection.stream.Consumer.from("group", "dead"),
					StreamOffset.create(this.stream, ReadOffset.lastConsumed()));
		assertThat(pending()).isEqualTo(1);
		List<String> handled = new CopyOnWriteArrayList<>();
		StreamGroupReader reader = reader((entry) -> handled.add(entry.get("n")), Duration.ofSeconds(1));
		reader.start();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains("orphan"));
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pending() == 0);
		}
		finally {
			reader.stop();
		}
	}

	@Test
	void anEntryThatCannotBeHandledIsSkippedAndNeverBlocksTheOnesAfterIt() {
		List<String> handled = new CopyOnWriteArrayList<>();
		StreamGroupReader reader = reader((entry) -> {
			if ("poison".equals(entry.get("n"))) {
				throw new IllegalArgumentException("not an event");
			}
			handled.add(entry.get("n"));
		}, Duration.ofMinutes(1));
		add("poison");
		add("fine");
		reader.start();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains("fine"));
			assertThat(handled).containsExactly("fine");
		}
		finally {
			reader.stop();
		}
	}

	@Test
	void anIdleReaderKeepsOneConnectionForItsBlockingReads() throws InterruptedException {
		StreamGroupReader reader = reader((entry) -> {
		}, Duration.ofMinutes(1));
		reader.start();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> blockingReaders().size() == 1);
			String first = blockingReaders().get(0);
			// each read blocks for a second: three rounds
			Thread.sleep(3_500);
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockingReaders().size() == 1);
			assertThat(blockingReaders()).as("the connection id of the blocking read").containsExactly(first);
		}
		finally {
			reader.stop();
		}
	}

	/** The ids of this test's connections that are in a blocking XREADGROUP. */
	private List<String> blockingReaders() {
		List<RedisClientInfo> clients = this.redis.execute(
				(RedisCallback<List<RedisClientInfo>>) (connection) -> connection.serverCommands().getClientList());
		return clients.stream()
			.filter((client) -> this.clientName.equals(client.getName()) && "xreadgroup".equals(client.get("cmd")))
			.map((client) -> client.get("id"))
			.toList();
	}

	private long pending() {
		return this.redis.opsForStream().pending(this.stream, "group").getTotalPendingMessages();
	}

	private StreamGroupReader reader(Consumer<Map<String, String>> handler, Duration claimAfter) {
		return new StreamGroupReader(this.redis, this.stream, "group", "live", handler, claimAfter);
	}

	private void add(String n) {
		this.redis.opsForStream().add(StreamRecords.string(Map.of("n", n)).withStreamKey(this.stream));
	}

}
