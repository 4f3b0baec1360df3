package dev.clipsync.common.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Reads a Redis Stream as one consumer of a consumer group, on a virtual thread: entries
 * this consumer was given but did not acknowledge come first (after a crash), then new
 * ones. Each entry goes to the handler and is acknowledged after it returns, so every
 * entry is handled by one member of the group, at least once. A handler that throws
 * leaves the entry pending and it is offered again on the next start. Declared as a bean,
 * it starts and stops with the application context, after anything that drains
 * connections has stopped.
 */
public final class StreamGroupReader implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(StreamGroupReader.class);

	private final StringRedisTemplate redis;

	private final String stream;

	private final String group;

	private final String consumer;

	private final Consumer<Map<String, String>> handler;

	private volatile boolean running;

	private Thread reader;

	/**
	 * @param redis the connection
	 * @param stream the stream key
	 * @param group the consumer group, created at the start of the stream if missing
	 * @param consumer this member's name, unique within the group
	 * @param handler what to do with each entry's fields
	 */
	public StreamGroupReader(StringRedisTemplate redis, String stream, String group, String consumer,
			Consumer<Map<String, String>> handler) {
		this.redis = redis;
		this.stream = stream;
		this.group = group;
		this.consumer = consumer;
		this.handler = handler;
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
		while (this.running) {
			try {
				if (!groupReady) {
					ensureGroup();
					groupReady = true;
				}
				ReadOffset offset = pendingFirst ? ReadOffset.from("0") : ReadOffset.lastConsumed();
				List<MapRecord<String, Object, Object>> records = this.redis.opsForStream()
					.read(org.springframework.data.redis.connection.stream.Consumer.from(this.group, this.consumer),
							StreamReadOptions.empty().count(100).block(Duration.ofSeconds(2)),
							StreamOffset.create(this.stream, offset));
				if (records == null || records.isEmpty()) {
					pendingFirst = false;
					continue;
				}
				for (MapRecord<String, Object, Object> record : records) {
					handle(record);
				}
			}
			catch (RuntimeException ex) {
				groupReady = false;
				if (this.running) {
					logger.warn("Reading stream {} failed, retrying: {}", this.stream, ex.toString());
					pause(Duration.ofSeconds(1));
				}
			}
		}
	}

	@SuppressWarnings("unchecked")
	private void handle(MapRecord<String, Object, Object> record) {
		this.handler.accept((Map<String, String>) (Map<?, ?>) record.getValue());
		this.redis.opsForStream().acknowledge(this.stream, this.group, record.getId());
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
