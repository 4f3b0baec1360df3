package dev.clipsync.gateway.fanout;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.wire.UserChannelCodec;
import dev.clipsync.common.wire.UserChannelMessage;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The per-user Redis channels this gateway listens to: a channel is subscribed while the
 * user has a connection here. One dedicated Lettuce pub/sub connection, with subscription
 * changes made one at a time (Spring's listener container is known to drop or double
 * channels under concurrent subscribes, spring-data-redis #3447).
 * <p>
 * Redis pub/sub keeps nothing for a disconnected subscriber, so whenever the connection
 * comes back this re-subscribes every channel, and only then tells the listener to
 * re-sync its sessions from the database: a clip is then either in the database already
 * or arrives on the channel.
 */
public final class UserChannels implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(UserChannels.class);

	private final RedisClient client;

	private final RedisNames names;

	private final UserChannelCodec codec;

	private final Listener listener;

	private final MeterRegistry meters;

	private final Set<UUID> subscribed = ConcurrentHashMap.newKeySet();

	private final ReentrantLock changes = new ReentrantLock();

	private volatile StatefulRedisPubSubConnection<String, String> connection;

	private volatile boolean running;

	private volatile boolean everConnected;

	public UserChannels(String redisUrl, RedisNames names, UserChannelCodec codec, Listener listener,
			MeterRegistry meters) {
		this.client = RedisClient.create(redisUrl);
		this.client.setOptions(ClientOptions.builder()
			.timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build());
		this.names = names;
		this.codec = codec;
		this.listener = listener;
		this.meters = meters;
	}

	@Override
	public void start() {
		this.client.addListener(new RedisConnectionStateListener() {
			@Override
			public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
				if (UserChannels.this.everConnected) {
					// Not on Lettuce's event loop: re-subscribing waits for Redis.
					Thread.ofVirtual().name("redis-resubscribe").start(UserChannels.this::resubscribeAndResync);
				}
				UserChannels.this.everConnected = true;
			}

			@Override
			public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
				logger.warn(
						"Lost the Redis pub/sub connection; clips will be re-synced from the database when it is back");
			}
		});
		this.connection = this.client.connectPubSub();
		this.connection.addListener(new RedisPubSubAdapter<>() {
			@Override
			public void message(String channel, String message) {
				dispatch(channel, message);
			}
		});
		this.running = true;
	}

	/**
	 * Listen to the user's channel; a no-op if already listening.
	 * @param userId the user
	 * @return whether the subscription is active now (false while Redis is down; it is
	 * made when Redis is back)
	 */
	public boolean subscribe(UUID userId) {
		this.changes.lock();
		try {
			if (!this.subscribed.add(userId)) {
				return true;
			}
			this.connection.sync().subscribe(this.names.userChannel(userId));
			return true;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not subscribe to the channel of user {}: {}", userId, ex.toString());
			return false;
		}
		finally {
			this.changes.unlock();
		}
	}

	public void unsubscribe(UUID userId) {
		this.changes.lock();
		try {
			if (this.subscribed.remove(userId)) {
				this.connection.sync().unsubscribe(this.names.userChannel(userId));
			}
		}
		catch (RuntimeException ex) {
			// Harmless: messages for a user with no session here are dropped.
			logger.debug("Could not unsubscribe from the channel of user {}: {}", userId, ex.toString());
		}
		finally {
			this.changes.unlock();
		}
	}

	public boolean isConnected() {
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		return current != null && current.isOpen();
	}

	private void resubscribeAndResync() {
		this.changes.lock();
		try {
			String[] channels = this.subscribed.stream().map(this.names::userChannel).toArray(String[]::new);
			if (channels.length > 0) {
				this.connection.sync().subscribe(channels);
			}
			this.meters.counter("clipsync.gateway.redis.resubscribes").increment();
			logger.info("Redis is back: re-subscribed {} user channels; re-syncing their sessions", channels.length);
		}
		catch (RuntimeException ex) {
			logger.warn("Re-subscribing after a Redis reconnect failed: {}", ex.toString());
			return;
		}
		finally {
			this.changes.unlock();
		}
		this.listener.resync();
	}

	private void dispatch(String channel, String payload) {
		UserChannelMessage message;
		try {
			message = this.codec.decode(payload);
		}
		catch (RuntimeException ex) {
			// Another service's newer message type, or garbage: never fatal.
			logger.debug("Ignored a message on {}: {}", channel, ex.toString());
			return;
		}
		UUID userId = userOf(channel);
		if (userId != null) {
			this.listener.onMessage(userId, message);
		}
	}

	private static UUID userOf(String channel) {
		int open = channel.indexOf('{');
		int close = channel.indexOf('}', open + 1);
		try {
			return (open >= 0 && close > open) ? UUID.fromString(channel.substring(open + 1, close)) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public void stop() {
		this.running = false;
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		if (current != null) {
			current.close();
		}
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
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

	/** Where the messages go. */
	public interface Listener {

		/**
		 * A message on the channel of a user with a connection here. Called on Redis's
		 * I/O thread: hand work off, never block.
		 * @param userId the user
		 * @param message the message
		 */
		void onMessage(UUID userId, UserChannelMessage message);

		/** Redis came back after an outage: re-read what the sessions may have missed. */
		void resync();

	}

}
