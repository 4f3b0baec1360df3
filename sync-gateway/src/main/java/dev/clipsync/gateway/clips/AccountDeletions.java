package dev.clipsync.gateway.clips;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Deletes the clips of deleted accounts. auth-service announces deletions on a Redis
 * Stream; the gateways read it as one consumer group, so each deletion is handled by one
 * gateway, and one that arrives while every gateway is down is handled when one is back.
 */
@Component
class AccountDeletions implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(AccountDeletions.class);

	private static final String GROUP = "sync-gateway";

	private final StringRedisTemplate redis;

	private final String stream;

	private final ClipStore store;

	private final String consumer = "gateway-" + UUID.randomUUID();

	private volatile boolean running;

	private Thread reader;

	AccountDeletions(StringRedisTemplate redis, RedisNames names, ClipStore store) {
		this.redis = redis;
		this.stream = names.accountEvents();
		this.store = store;
	}

	@Override
	public void start() {
		this.running = true;
		this.reader = Thread.ofVirtual().name("account-deletions").start(this::readLoop);
	}

	private void readLoop() {
		boolean pendingFirst = true;
		boolean groupReady = false;
		while (this.running) {
			try {
				if (!groupReady) {
					ensureGroup();
					groupReady = true;
				}
				// First what this consumer was given but did not acknowledge, then new
				// entries.
				ReadOffset offset = pendingFirst ? ReadOffset.from("0") : ReadOffset.lastConsumed();
				List<MapRecord<String, Object, Object>> records = this.redis.opsForStream()
					.read(Consumer.from(GROUP, this.consumer),
							StreamReadOptions.empty().count(100).block(Duration.ofSeconds(2)),
							StreamOffset.create(this.stream, offset));
				if (pendingFirst && (records == null || records.isEmpty())) {
					pendingFirst = false;
				}
				if (records != null) {
					records.forEach(this::handle);
				}
			}
			catch (RuntimeException ex) {
				groupReady = false;
				if (this.running) {
					logger.warn("Reading account events failed, retrying: {}", ex.toString());
					sleep(Duration.ofSeconds(2));
				}
			}
		}
	}

	private void handle(MapRecord<String, Object, Object> record) {
		Map<Object, Object> event = record.getValue();
		if ("account_deleted".equals(event.get("type"))) {
			UUID userId = UUID.fromString((String) event.get("userId"));
			this.store.forget(userId);
			logger.info("Deleted the clips of deleted user {}", userId);
		}
		this.redis.opsForStream().acknowledge(this.stream, GROUP, record.getId());
	}

	private void ensureGroup() {
		try {
			this.redis.opsForStream().createGroup(this.stream, ReadOffset.from("0"), GROUP);
		}
		catch (RedisSystemException ex) {
			// BUSYGROUP: it exists already.
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.reader != null) {
			this.reader.interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops after the gateway has drained its connections. */
	@Override
	public int getPhase() {
		return DEFAULT_PHASE - 100;
	}

}
