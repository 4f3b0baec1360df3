package dev.clipsync.gateway.presence;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.gateway.GatewayId;
import dev.clipsync.gateway.GatewayProperties;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Tells presence-service about this gateway's connections. Each open and close is
 * appended to the presence event stream (for prompt online/offline notices) and kept in
 * this gateway's connection hash (the truth presence-service reconciles against); a
 * liveness key with a TTL says the gateway still runs. Reports go out in order on one
 * background thread, so a slow or absent Redis never holds up a WebSocket handshake; what
 * is lost while Redis is away is rewritten when it is back and reconciled by
 * presence-service.
 */
public class PresenceReporter implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PresenceReporter.class);

	private static final long EVENTS_KEPT = 100_000;

	private static final int MAX_QUEUED_REPORTS = 100_000;

	/** Reports sent to Redis in one write, at most. */
	private static final int BATCH = 512;

	private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);

	private final String gatewayId;

	private final StringRedisTemplate redis;

	private final RedisNames names;

	private final JsonMapper json;

	private final Clock clock;

	private final Duration aliveFor;

	private final Counter failures;

	private final ThreadPoolExecutor reports;

	private final BlockingQueue<Report> pending = new LinkedBlockingQueue<>(MAX_QUEUED_REPORTS);

	private final AtomicBoolean drainQueued = new AtomicBoolean();

	private final RedisClient client;

	/** Used on the reports thread only; without automatic flushes. */
	private @Nullable StatefulRedisConnection<String, String> connection;

	private final ScheduledExecutorService heartbeat = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("gateway-alive").daemon().factory());

	private final Map<UUID, Connection> live = new ConcurrentHashMap<>();

	private volatile boolean running;

	/**
	 * @param client for the connection the reports go out on, written once per batch
	 * @param redis for everything else
	 */
	public PresenceReporter(GatewayId gatewayId, RedisClient client, StringRedisTemplate redis, RedisNames names,
			JsonMapper json, Clock clock, GatewayProperties properties, MeterRegistry meters) {
		this.gatewayId = gatewayId.value();
		this.client = client;
		// While Redis is away a report fails at once, as through the template; what is
		// lost is rewritten when it is back (rewrite()) instead of piling up in Lettuce's
		// buffer.
		this.client.setOptions(ClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.socketOptions(SocketOptions.builder().connectTimeout(REPLY_TIMEOUT).build())
			.build());
		this.redis = redis;
		this.names = names;
		this.json = json;
		this.clock = clock;
		this.aliveFor = properties.presence().gatewayTtl();
		this.failures = meters.counter("clipsync.gateway.presence.report.failures");
		this.reports = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_QUEUED_REPORTS),
				Thread.ofVirtual().name("presence-reports").factory(), new ThreadPoolExecutor.DiscardPolicy());
	}

	public String gatewayId() {
		return this.gatewayId;
	}

	@Override
	public void start() {
		this.running = true;
		long period = Math.max(1, this.aliveFor.toMillis() / 3);
		this.heartbeat.scheduleAtFixedRate(this::stillAlive, 0, period, TimeUnit.MILLISECONDS);
	}

	/**
	 * A connection opened.
	 * @param sessionId the connection
	 * @param userId its user
	 * @param deviceId its device
	 * @param deviceName the device's name, from its token
	 * @param devicePlatform the device's platform, from its token
	 */
	public void connected(UUID sessionId, UUID userId, UUID deviceId, @Nullable String deviceName,
			@Nullable String devicePlatform) {
		Connection connection = new Connection(userId, deviceId, deviceName, devicePlatform,
				this.clock.instant().toEpochMilli());
		this.live.put(sessionId, connection);
		queue(new Report(true, sessionId, connection, connection.since()));
	}

	public void disconnected(UUID sessionId) {
		Connection connection = this.live.remove(sessionId);
		if (connection != null) {
			queue(new Report(false, sessionId, connection, this.clock.millis()));
		}
	}

	/**
	 * Queued for the reports thread, which sends everything queued in one write: in a
	 * reconnect storm, a round trip per report was two of the handful of Redis writes
	 * each handshake cost.
	 */
	private void queue(Report report) {
		if (!this.pending.offer(report)) {
			this.failures.increment();
			return;
		}
		if (this.drainQueued.compareAndSet(false, true)) {
			this.reports.execute(this::drain);
		}
	}

	private void drain() {
		this.drainQueued.set(false);
		List<Report> batch = new ArrayList<>(Math.min(BATCH, this.pending.size()));
		while (this.pending.drainTo(batch, BATCH) > 0) {
			send(batch);
			batch.clear();
		}
	}

	private void send(List<Report> batch) {
		try {
			StatefulRedisConnection<String, String> redis = connection();
			RedisAsyncCommands<String, String> commands = redis.async();
			String connections = this.names.gatewayConnections(this.gatewayId);
			String events = this.names.presenceEvents();
			List<RedisFuture<?>> replies = new ArrayList<>(batch.size() * 2);
			for (Report report : batch) {
				String session = report.sessionId().toString();
				replies.add(report.connect() ? commands.hset(connections, session, describe(report.connection()))
						: commands.hdel(connections, session));
				replies.add(commands.xadd(events, event(report)));
			}
			redis.flushCommands();
			if (!LettuceFutures.awaitAll(REPLY_TIMEOUT, replies.toArray(RedisFuture[]::new))) {
				this.failures.increment(batch.size());
				logger.debug("Presence reports not confirmed in {}", REPLY_TIMEOUT);
			}
		}
		catch (RuntimeException ex) {
			this.failures.increment(batch.size());
			logger.debug("Presence reports failed: {}", ex.toString());
		}
	}

	private StatefulRedisConnection<String, String> connection() {
		StatefulRedisConnection<String, String> connection = this.connection;
		if (connection == null) {
			connection = this.client.connect();
			connection.setAutoFlushCommands(false);
			this.connection = connection;
		}
		return connection;
	}

	/** Redis was away: write the connection hash anew from what is open now. */
	public void rewrite() {
		this.reports.execute(() -> {
			try {
				String key = this.names.gatewayConnections(this.gatewayId);
				Map<String, String> entries = new LinkedHashMap<>();
				this.live.forEach((session, connection) -> entries.put(session.toString(), describe(connection)));
				this.redis.delete(key);
				if (!entries.isEmpty()) {
					this.redis.opsForHash().putAll(key, entries);
				}
			}
			catch (RuntimeException ex) {
				this.failures.increment();
				logger.warn("Could not rewrite the connection set of gateway {}: {}", this.gatewayId, ex.toString());
			}
		});
	}

	private Map<String, String> event(Report report) {
		Connection connection = report.connection();
		Map<String, String> event = new LinkedHashMap<>();
		event.put("type", report.connect() ? "connect" : "disconnect");
		event.put("gateway", this.gatewayId);
		event.put("session", report.sessionId().toString());
		event.put("userId", connection.userId().toString());
		event.put("deviceId", connection.deviceId().toString());
		if (connection.name() != null) {
			event.put("name", connection.name());
		}
		if (connection.platform() != null) {
			event.put("platform", connection.platform());
		}
		event.put("at", Long.toString(report.at()));
		return event;
	}

	private String describe(Connection connection) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("userId", connection.userId().toString());
		description.put("deviceId", connection.deviceId().toString());
		description.put("name", connection.name());
		description.put("platform", connection.platform());
		description.put("since", connection.since());
		return this.json.writeValueAsString(description);
	}

	private void stillAlive() {
		try {
			this.redis.opsForValue().set(this.names.gatewayAlive(this.gatewayId), "1", this.aliveFor);
			this.redis.opsForSet().add(this.names.gateways(), this.gatewayId);
			this.redis.opsForStream().trim(this.names.presenceEvents(), EVENTS_KEPT, true);
		}
		catch (RuntimeException ex) {
			logger.debug("Liveness report failed: {}", ex.toString());
		}
	}

	@Override
	public void stop() {
		this.running = false;
		this.heartbeat.shutdownNow();
		this.reports.shutdown();
		try {
			this.reports.awaitTermination(5, TimeUnit.SECONDS);
			// Drained already: say so at once instead of waiting for the liveness key to
			// expire.
			this.redis.delete(
					List.of(this.names.gatewayAlive(this.gatewayId), this.names.gatewayConnections(this.gatewayId)));
			this.redis.opsForSet().remove(this.names.gateways(), this.gatewayId);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not clear presence of gateway {}: {}", this.gatewayId, ex.toString());
		}
		finally {
			if (this.connection != null) {
				this.connection.close();
			}
			this.client.shutdown();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops after the drain has closed (and reported) every connection. */
	@Override
	public int getPhase() {
		return DEFAULT_PHASE - 100;
	}

	record Connection(UUID userId, UUID deviceId, @Nullable String name, @Nullable String platform, long since) {
	}

	/** A connection opened ({@code connect}) or closed, at epoch millis {@code at}. */
	private record Report(boolean connect, UUID sessionId, Connection connection, long at) {
	}

}
