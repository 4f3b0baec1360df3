package dev.clipsync.gateway.presence;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.gateway.GatewayId;
import dev.clipsync.gateway.GatewayProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.stream.StreamRecords;
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

	private final String gatewayId;

	private final StringRedisTemplate redis;

	private final RedisNames names;

	private final JsonMapper json;

	private final Clock clock;

	private final Duration aliveFor;

	private final Counter failures;

	private final ThreadPoolExecutor reports;

	private final ScheduledExecutorService heartbeat = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("gateway-alive").daemon().factory());

	private final Map<UUID, Connection> live = new ConcurrentHashMap<>();

	private volatile boolean running;

	public PresenceReporter(GatewayId gatewayId, StringRedisTemplate redis, RedisNames names, JsonMapper json,
			Clock clock, GatewayProperties properties, MeterRegistry meters) {
		this.gatewayId = gatewayId.value();
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
		this.reports.execute(() -> report("connect", sessionId, connection));
	}

	public void disconnected(UUID sessionId) {
		Connection connection = this.live.remove(sessionId);
		if (connection != null) {
			this.reports.execute(() -> report("disconnect", sessionId, connection));
		}
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

	private void report(String type, UUID sessionId, Connection connection) {
		try {
			String connections = this.names.gatewayConnections(this.gatewayId);
			if ("connect".equals(type)) {
				this.redis.opsForHash().put(connections, sessionId.toString(), describe(connection));
			}
			else {
				this.redis.opsForHash().delete(connections, sessionId.toString());
			}
			Map<String, String> event = new LinkedHashMap<>();
			event.put("type", type);
			event.put("gateway", this.gatewayId);
			event.put("session", sessionId.toString());
			event.put("userId", connection.userId().toString());
			event.put("deviceId", connection.deviceId().toString());
			if (connection.name() != null) {
				event.put("name", connection.name());
			}
			if (connection.platform() != null) {
				event.put("platform", connection.platform());
			}
			event.put("at", Long.toString(this.clock.instant().toEpochMilli()));
			this.redis.opsForStream().add(StreamRecords.string(event).withStreamKey(this.names.presenceEvents()));
		}
		catch (RuntimeException ex) {
			this.failures.increment();
			logger.debug("Presence report failed: {}", ex.toString());
		}
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

}
