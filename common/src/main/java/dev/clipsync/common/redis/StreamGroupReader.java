package dev.clipsync.common.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStreamCommands;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.PendingMessage;
import org.springframework.data.redis.connection.stream.PendingMessages;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamInfo;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.RedisConnectionUtils;
import org.springframework.data.redis.core.StreamOperations;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Reads a Redis Stream as one consumer of a consumer group, on a virtual thread: entries
 * this consumer was given but did not acknowledge come first, then new ones. Each entry
 * goes to the handler and is acknowledged after it returns, so every entry is handled by
 * one member of the group, at least once (handlers must be idempotent).
 * <p>
 * A handler that fails because a database is away ({@link DataAccessException}) leaves
 * the entry pending, and it is offered again after a pause until it succeeds; any other
 * failure is a bug or a malformed entry, which is logged and acknowledged so that it can
 * never block the stream. Entries left pending by a member that died are claimed by a
 * live one once they have waited {@code claimAfter}, and members that left are forgotten.
 * <p>
 * Declared as a bean, it starts and stops with the application context, after anything
 * that drains connections has stopped.
 */
public final class StreamGroupReader implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(StreamGroupReader.class);

	/** Shorter than the Redis command timeout, so an idle read never times out. */
	private static final Duration BLOCK = Duration.ofSeconds(1);

	private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

	private static final Duration FORGET_MEMBERS_IDLE = Duration.ofHours(1);

	private final StringRedisTemplate redis;

	private final String stream;

	private final String group;

	private final String consumer;

	private final Consumer<Map<String, String>> handler;

	private final Duration claimAfter;

	private volatile boolean running;

	private Thread reader;

	/**
	 * @param redis the connection
	 * @param stream the stream key
	 * @param group the consumer group, created at the start of the stream if missing
	 * @param consumer this member's name, unique within the group
	 * @param handler what to do with each entry's fields
	 * @param claimAfter entries another member has held unacknowledged this long are
	 * taken over (that member died)
	 */
	public StreamGroupReader(StringRedisTemplate redis, String stream, String group, String consumer,
			Consumer<Map<String, String>> handler, Duration claimAfter) {
		this.redis = redis;
		this.stream = stream;
		this.group = group;
		this.consumer = consumer;
		this.handler = handler;
		this.claimAfter = claimAfter;
	}

	@Override
	public void start() {
		this.running = true;
		this.reader = Thread.ofVirtual().name("stream-" + this.group).start(this::readLoop);
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

	@Override
	public int getPhase() {
		return DEFAULT_PHASE - 100;
	}

	private void readLoop() {
		boolean pendingFirst = true;
		boolean groupReady = false;
		boolean failing = false;
		long nextClaim = System.nanoTime();
		boolean bound = false;
		while (this.running) {
			try {
				if (!bound) {
					// Blocking reads need a connection of their own. Bound to this
					// thread, every read reuses the one this connection opens; unbound,
					// each read would open a new TCP connection and close it again.
					RedisConnectionUtils.bindConnection(connectionFactory());
					bound = true;
				}
				if (!groupReady) {
					ensureGroup();
					groupReady = true;
				}
				if (System.nanoTime() - nextClaim >= 0) {
					pendingFirst |= claimAbandoned();
					nextClaim = System.nanoTime() + this.claimAfter.toNanos() / 2;
				}
				List<MapRecord<String, Object, Object>> records = read(pendingFirst);
				if (failing) {
					failing = false;
					logger.info("Reading stream {} works again", this.stream);
				}
				if (records == null || records.isEmpty()) {
					pendingFirst = false;
					continue;
				}
				for (MapRecord<String, Object, Object> record : records) {
					if (!handle(record)) {
						// Left pending: offered again after a pause, before newer
						// entries.
						pendingFirst = true;
						pause(RETRY_PAUSE);
						break;
					}
				}
			}
			catch (RuntimeException ex) {
				groupReady = false;
				pendingFirst = true;
				if (bound) {
					// the connection may be broken: the next round opens a new one
					unbind();
					bound = false;
				}
				if (this.running) {
					if (!failing) {
						logger.warn("Reading stream {} failed, retrying every {} s: {}", this.stream,
								RETRY_PAUSE.toSeconds(), ex.toString());
					}
					failing = true;
					pause(RETRY_PAUSE);
				}
			}
		}
		if (bound) {
			unbind();
		}
	}

	private RedisConnectionFactory connectionFactory() {
		return Objects.requireNonNull(this.redis.getConnectionFactory(), "the template has no connection factory");
	}

	private void unbind() {
		try {
			RedisConnectionUtils.unbindConnection(connectionFactory());
		}
		catch (RuntimeException ex) {
			logger.debug("Closing the connection of stream {} failed: {}", this.stream, ex.toString());
		}
	}

	private List<MapRecord<String, Object, Object>> read(boolean pending) {
		StreamReadOptions options = StreamReadOptions.empty().count(100);
		return this.redis.opsForStream()
			.read(org.springframework.data.redis.connection.stream.Consumer.from(this.group, this.consumer),
					pending ? options : options.block(BLOCK),
					StreamOffset.create(this.stream, pending ? ReadOffset.from("0") : ReadOffset.lastConsumed()));
	}

	/**
	 * @return whether the entry is done with (handled, or not handleable)
	 */
	@SuppressWarnings("unchecked")
	private boolean handle(MapRecord<String, Object, Object> record) {
		try {
			this.handler.accept((Map<String, String>) (Map<?, ?>) record.getValue());
		}
		catch (DataAccessException ex) {
			logger.warn("Handling entry {} of {} failed, retrying: {}", record.getId(), this.stream, ex.toString());
			return false;
		}
		catch (RuntimeException ex) {
			logger.error("Skipped entry {} of {}: it cannot be handled", record.getId(), this.stream, ex);
		}
		this.redis.opsForStream().acknowledge(this.stream, this.group, record.getId());
		return true;
	}

	/**
	 * Take over what members that died left unacknowledged, and forget members long gone.
	 * @return whether anything was taken over
	 */
	private boolean claimAbandoned() {
		StreamOperations<String, Object, Object> streams = this.redis.opsForStream();
		PendingMessages pending = streams.pending(this.stream, this.group, Range.unbounded(), 100);
		RecordId[] abandoned = pending.stream()
			.filter((entry) -> !entry.getConsumerName().equals(this.consumer)
					&& entry.getElapsedTimeSinceLastDelivery().compareTo(this.claimAfter) >= 0)
			.map(PendingMessage::getId)
			.toArray(RecordId[]::new);
		if (abandoned.length > 0) {
			streams.claim(this.stream, this.group, this.consumer,
					RedisStreamCommands.XClaimOptions.minIdle(this.claimAfter).ids(abandoned));
			logger.info("Took over {} entries of {} left by a member that stopped", abandoned.length, this.stream);
		}
		for (StreamInfo.XInfoConsumer member : streams.consumers(this.stream, this.group)) {
			if (!member.consumerName().equals(this.consumer) && member.pendingCount() == 0
					&& member.idleTimeMs() > FORGET_MEMBERS_IDLE.toMillis()) {
				streams.deleteConsumer(this.stream, org.springframework.data.redis.connection.stream.Consumer
					.from(this.group, member.consumerName()));
			}
		}
		return abandoned.length > 0;
	}

	private void ensureGroup() {
		try {
			this.redis.opsForStream().createGroup(this.stream, ReadOffset.from("0"), this.group);
		}
		catch (RedisSystemException ex) {
			// BUSYGROUP: it exists already.
		}
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
