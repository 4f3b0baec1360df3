package dev.clipsync.gateway.fanout;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.wire.UserChannelCodec;
import dev.clipsync.common.wire.UserChannelMessage;
import dev.clipsync.gateway.GatewayId;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The per-user Redis channels this gateway listens to: exactly the users with a
 * connection here. One dedicated Lettuce pub/sub connection (Spring's listener container
 * is known to drop or double channels under concurrent subscribes, spring-data-redis
 * #3447).
 * <p>
 * Sessions never change subscriptions themselves. One thread reconciles: it compares the
 * users that have sessions with the channels Redis confirmed (those whose sessions
 * changed since it last looked, and every half minute all of them), and subscribes or
 * unsubscribes the difference in one command each. So a user's last session closing while
 * a new one opens can never leave the new one unsubscribed, a change refused while Redis
 * is away is made when it is back, and a connect storm costs a few batched commands
 * instead of one round trip per connection. A session waits until its user's channel is
 * confirmed before it reads where to start ({@link #whenListening}).
 * <p>
 * Redis pub/sub keeps nothing for a disconnected subscriber, so whenever the connection
 * comes back every channel is subscribed again, and only then the listener re-syncs its
 * sessions from the database: a clip is then either in the database already or arrives on
 * the channel.
 */
public final class UserChannels implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(UserChannels.class);

	/**
	 * Wakes this often with nothing announced: to retry a failed round, and to compare
	 * every user when {@link #FULL_RECONCILE_EVERY} has passed.
	 */
	private static final Duration RECONCILE_EVERY = Duration.ofSeconds(1);

	/**
	 * Compares every user this often even with no change announced (a safety net). It
	 * costs in proportion to the users here, whatever they do.
	 */
	private static final Duration FULL_RECONCILE_EVERY = Duration.ofSeconds(30);

	private final RedisClient client;

	private final RedisNames names;

	private final UserChannelCodec codec;

	private final String origin;

	private final Supplier<Set<UUID>> wanted;

	private final Listener listener;

	/** Channels Redis confirmed. Changed by the reconciler only. */
	private final Set<UUID> active = ConcurrentHashMap.newKeySet();

	/** Users whose channel could not be subscribed at once: re-synced once it is. */
	private final Set<UUID> late = new HashSet<>();

	/** Channels to unsubscribe; kept until Redis confirms. Reconciler only. */
	private final Set<UUID> leaving = new HashSet<>();

	private final Map<UUID, CompletableFuture<Void>> waiting = new HashMap<>();

	/** Users whose sessions changed since the reconciler last looked at them. */
	private final Set<UUID> dirty = ConcurrentHashMap.newKeySet();

	/** When the reconciler last compared every user ({@link System#nanoTime()}). */
	private long fullReconcileAt = System.nanoTime();

	private final Semaphore changed = new Semaphore(0);

	private final Counter resubscribes;

	private volatile StatefulRedisPubSubConnection<String, String> connection;

	private volatile boolean reconnected;

	private volatile boolean running;

	private volatile boolean everConnected;

	private Thread reconciler;

	/**
	 * @param client a client for the Redis the channels are on
	 * @param names Redis names
	 * @param codec reads the messages
	 * @param gatewayId this gateway, whose own clips are skipped unread
	 * @param wanted the users with a connection on this gateway (a live view)
	 * @param listener where messages go
	 * @param meters metrics
	 */
	public UserChannels(RedisClient client, RedisNames names, UserChannelCodec codec, GatewayId gatewayId,
			Supplier<Set<UUID>> wanted, Listener listener, MeterRegistry meters) {
		this.client = client;
		this.client.setOptions(ClientOptions.builder()
			.timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build());
		this.names = names;
		this.codec = codec;
		this.origin = gatewayId.value();
		this.wanted = wanted;
		this.listener = listener;
		this.resubscribes = meters.counter("clipsync.gateway.redis.resubscribes");
		meters.gauge("clipsync.gateway.channels", this.active, Set::size);
	}

	@Override
	public void start() {
		this.client.addListener(new RedisConnectionStateListener() {
			@Override
			public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
				if (UserChannels.this.everConnected) {
					UserChannels.this.reconnected = true;
					UserChannels.this.changed.release();
				}
				UserChannels.this.everConnected = true;
			}

			@Override
			public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
				if (UserChannels.this.running) {
					logger.warn("Lost the Redis pub/sub connection; "
							+ "clips will be re-synced from the database when it is back");
				}
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
		this.reconciler = Thread.ofVirtual().name("user-channels").start(this::reconcileLoop);
	}

	/**
	 * The user's channel is wanted (a session opened) or may no longer be (one closed).
	 * @param userId the user
	 */
	public void changed(UUID userId) {
		this.dirty.add(userId);
		this.changed.release();
	}

	/**
	 * Completes once Redis confirmed this gateway listens to the user's channel.
	 * @param userId a user with a session here
	 * @return the confirmation
	 */
	public CompletableFuture<Void> whenListening(UUID userId) {
		synchronized (this.waiting) {
			if (this.active.contains(userId)) {
				return CompletableFuture.completedFuture(null);
			}
			CompletableFuture<Void> confirmed = this.waiting.computeIfAbsent(userId,
					(user) -> new CompletableFuture<>());
			this.dirty.add(userId);
			this.changed.release();
			return confirmed;
		}
	}

	/** The users whose channel Redis confirmed, for tests and metrics. */
	public Set<UUID> listening() {
		return Set.copyOf(this.active);
	}

	public boolean isConnected() {
		StatefulRedisPubSubConnection<String, String> current = this.connection;
		return current != null && current.isOpen();
	}

	private void reconcileLoop() {
		while (this.running) {
			try {
				this.changed.tryAcquire(RECONCILE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
				this.changed.drainPermits();
			}
			catch (InterruptedException ex) {
				return;
			}
			if (!isConnected()) {
				continue;
			}
			try {
				reconcile();
			}
			catch (RuntimeException ex) {
				// Redis refused or timed out: the next round tries again.
				logger.debug("Changing channel subscriptions failed, retrying: {}", ex.toString());
			}
		}
	}

	private void reconcile() {
		if (this.reconnected) {
			this.reconnected = false;
			try {
				if (!this.active.isEmpty()) {
					this.connection.sync().subscribe(channels(this.active));
				}
			}
			catch (RuntimeException ex) {
				this.reconnected = true;
				throw ex;
			}
			this.resubscribes.increment();
			logger.info("Redis is back: re-subscribed {} user channels; re-syncing their sessions", this.active.size());
			this.listener.resync();
		}
		// Only the users whose sessions changed, so a round costs what changed, not every
		// user here; all of them now and then, as a safety net.
		long now = System.nanoTime();
		boolean full = now - this.fullReconcileAt >= FULL_RECONCILE_EVERY.toNanos();
		if (!full && this.dirty.isEmpty() && this.late.isEmpty()) {
			return;
		}
		Set<UUID> wanted = this.wanted.get();
		Set<UUID> candidates = new HashSet<>();
		if (full) {
			this.fullReconcileAt = now;
			this.dirty.clear();
			candidates.addAll(wanted);
			candidates.addAll(this.active);
		}
		else {
			for (Iterator<UUID> users = this.dirty.iterator(); users.hasNext();) {
				candidates.add(users.next());
				users.remove();
			}
		}
		try {
			reconcile(candidates, wanted);
		}
		catch (RuntimeException ex) {
			// Looked at again in the next round.
			this.dirty.addAll(candidates);
			throw ex;
		}
	}

	private void reconcile(Set<UUID> candidates, Set<UUID> wanted) {
		List<UUID> gone = candidates.stream()
			.filter((user) -> this.active.contains(user) && !wanted.contains(user))
			.toList();
		synchronized (this.waiting) {
			// Out of the confirmed set before the command, so no new session takes a
			// channel on its way out for a live one.
			this.active.removeAll(gone);
			this.waiting.entrySet().removeIf((waiter) -> {
				boolean closed = !wanted.contains(waiter.getKey());
				if (closed) {
					waiter.getValue().complete(null);
				}
				return closed;
			});
		}
		this.leaving.addAll(gone);
		this.leaving.removeIf(wanted::contains);
		if (!this.leaving.isEmpty()) {
			this.connection.sync().unsubscribe(channels(this.leaving));
			this.leaving.clear();
		}
		List<UUID> toAdd = candidates.stream()
			.filter((user) -> wanted.contains(user) && !this.active.contains(user))
			.toList();
		if (!toAdd.isEmpty()) {
			try {
				this.connection.sync().subscribe(channels(toAdd));
			}
			catch (RuntimeException ex) {
				this.late.addAll(toAdd);
				throw ex;
			}
			this.active.addAll(toAdd);
			confirm(toAdd);
		}
		if (!this.late.isEmpty()) {
			// Their sessions may have started without the channel: read what they missed.
			List<UUID> caughtUp = this.late.stream().filter(this.active::contains).toList();
			caughtUp.forEach(this.listener::resync);
			this.late.removeIf((user) -> this.active.contains(user) || !wanted.contains(user));
		}
	}

	private void confirm(List<UUID> users) {
		List<CompletableFuture<Void>> confirmed = new ArrayList<>();
		synchronized (this.waiting) {
			for (UUID user : users) {
				CompletableFuture<Void> waiter = this.waiting.remove(user);
				if (waiter != null) {
					confirmed.add(waiter);
				}
			}
		}
		confirmed.forEach((waiter) -> waiter.complete(null));
	}

	private String[] channels(Collection<UUID> users) {
		return users.stream().map(this.names::userChannel).toArray(String[]::new);
	}

	private void dispatch(String channel, String payload) {
		if (this.codec.isClipFrom(payload, this.origin)) {
			// Delivered to this gateway's connections before it was published.
			return;
		}
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
		if (this.reconciler != null) {
			this.reconciler.interrupt();
		}
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

		/**
		 * The user's channel was confirmed only after their sessions started: re-read
		 * what those sessions may have missed.
		 * @param userId the user
		 */
		void resync(UUID userId);

	}

}
