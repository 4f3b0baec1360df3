package dev.clipsync.gateway.fanout;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.wire.ClipPublished;
import dev.clipsync.common.wire.UserChannelCodec;
import dev.clipsync.gateway.GatewayId;
import dev.clipsync.gateway.clips.Clip;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces stored clips: to the user's connections on this gateway at once, then on the
 * user's Redis channel for the other gateways (whose copy this gateway's sessions drop as
 * already passed). So devices on one gateway never wait for Redis.
 * <p>
 * The clip is durable before this runs, so a publish that fails is retried for a while by
 * one background thread, from a queue bounded in bytes; what cannot be published in time
 * or does not fit is given up on and counted. Receivers still get it: from the database,
 * when the next clip shows the gap, or when their gateway's Redis connection comes back
 * and it re-syncs every session.
 * <p>
 * Publishes go out on a connection of their own without waiting for Redis's answer, so a
 * push is not held up by the round trip; one connection keeps them in order.
 */
public class ClipPublisher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ClipPublisher.class);

	static final Duration GIVE_UP_AFTER = Duration.ofSeconds(8);

	static final long MAX_PENDING_BYTES = 64L * 1024 * 1024;

	private static final Duration RETRY_DELAY = Duration.ofMillis(250);

	private final RedisClient client;

	private final String origin;

	private volatile @Nullable StatefulRedisConnection<String, String> connection;

	/** No connection attempt before this {@link System#nanoTime()}; guarded by this. */
	private long nextConnectAttempt = System.nanoTime();

	private final RedisNames names;

	private final UserChannelCodec codec;

	private final UserChannels.Listener local;

	private final Counter failures;

	private final Deque<Pending> pending = new ArrayDeque<>();

	private long pendingBytes;

	private boolean retrying;

	/**
	 * @param client a client for the Redis the channels are on, for this publisher alone
	 * @param gatewayId this gateway, named in each clip so it can skip its own
	 * @param names Redis names
	 * @param codec writes the messages
	 * @param local this gateway's connections
	 * @param meters metrics
	 */
	public ClipPublisher(RedisClient client, GatewayId gatewayId, RedisNames names, UserChannelCodec codec,
			UserChannels.Listener local, MeterRegistry meters) {
		this.client = client;
		// Fail fast while Redis is away: the retry queue is the buffer.
		this.client.setOptions(ClientOptions.builder()
			.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
			.timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build());
		this.origin = gatewayId.value();
		this.names = names;
		this.codec = codec;
		this.local = local;
		this.failures = meters.counter("clipsync.gateway.publish.failures");
		meters.gauge("clipsync.gateway.publish.pending.bytes", this, (publisher) -> publisher.pendingBytes());
	}

	/**
	 * Announce a stored clip to every connection of the user, on every gateway.
	 * @param userId the user
	 * @param clip the clip, committed
	 */
	public void publish(UUID userId, Clip clip) {
		ClipPublished published = new ClipPublished(this.origin, clip.seq(), clip.id(), clip.from(), clip.session(),
				clip.mime(), clip.data(), clip.encoding(), clip.encrypted(), clip.sensitive(), clip.blob(),
				clip.createdAt());
		this.local.onMessage(userId, published);
		String channel = this.names.userChannel(userId);
		String message = this.codec.encode(published);
		long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
		CompletionStage<Long> sent;
		try {
			sent = connection().async().publish(channel, message);
		}
		catch (RuntimeException ex) {
			logger.debug("Publish on {} failed: {}", channel, ex.toString());
			retryLater(new Pending(channel, message, giveUpAt));
			return;
		}
		sent.whenComplete((receivers, failure) -> {
			if (failure != null) {
				logger.debug("Publish on {} failed: {}", channel, failure.toString());
				retryLater(new Pending(channel, message, giveUpAt));
			}
		});
	}

	/**
	 * Connect now, in the background, so that the first push after start does not wait
	 * for the connection; if Redis is away, the first publish tries again.
	 */
	public void connectInBackground() {
		Thread.ofVirtual().name("clip-publisher-connect").start(() -> {
			try {
				connection();
			}
			catch (RuntimeException ex) {
				logger.debug("Redis is not reachable yet for publishing: {}", ex.toString());
			}
		});
	}

	/**
	 * Connected on first use, so the gateway starts while Redis is away; while it stays
	 * away, one attempt per retry delay, so pushes are not held up by connection
	 * attempts.
	 */
	private StatefulRedisConnection<String, String> connection() {
		StatefulRedisConnection<String, String> connected = this.connection;
		return (connected != null) ? connected : connect();
	}

	private synchronized StatefulRedisConnection<String, String> connect() {
		StatefulRedisConnection<String, String> connected = this.connection;
		if (connected != null) {
			return connected;
		}
		if (System.nanoTime() - this.nextConnectAttempt < 0) {
			throw new IllegalStateException("no connection to Redis yet");
		}
		try {
			connected = this.client.connect();
		}
		catch (RuntimeException ex) {
			this.nextConnectAttempt = System.nanoTime() + RETRY_DELAY.toNanos();
			throw ex;
		}
		this.connection = connected;
		return connected;
	}

	@Override
	public void close() {
		this.client.shutdown();
	}

	private void retryLater(Pending publish) {
		synchronized (this.pending) {
			if (this.pendingBytes + publish.message().length() > MAX_PENDING_BYTES) {
				this.failures.increment();
				logger.warn("Too many clips waiting to be published; receivers will read this one from the database");
				return;
			}
			this.pending.addLast(publish);
			this.pendingBytes += publish.message().length();
			if (!this.retrying) {
				this.retrying = true;
				Thread.ofVirtual().name("clip-publish-retry").start(this::retryPending);
			}
		}
	}

	/** Oldest first, each until it goes out or its time is up. */
	private void retryPending() {
		while (true) {
			Pending next;
			synchronized (this.pending) {
				next = this.pending.peekFirst();
				if (next == null) {
					this.retrying = false;
					return;
				}
			}
			boolean done = System.nanoTime() - next.giveUpAt() > 0;
			if (done) {
				this.failures.increment();
				logger.warn("Gave up publishing a clip on {}; receivers will read it from the database",
						next.channel());
			}
			else if (tryPublish(next.channel(), next.message())) {
				done = true;
			}
			if (done) {
				synchronized (this.pending) {
					this.pending.pollFirst();
					this.pendingBytes -= next.message().length();
				}
			}
			else if (!pause()) {
				synchronized (this.pending) {
					this.retrying = false;
				}
				return;
			}
		}
	}

	long pendingBytes() {
		synchronized (this.pending) {
			return this.pendingBytes;
		}
	}

	private boolean tryPublish(String channel, String message) {
		try {
			connection().sync().publish(channel, message);
			return true;
		}
		catch (RuntimeException ex) {
			logger.debug("Publish on {} failed: {}", channel, ex.toString());
			return false;
		}
	}

	private static boolean pause() {
		try {
			Thread.sleep(RETRY_DELAY);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private record Pending(String channel, String message, long giveUpAt) {
	}

}
