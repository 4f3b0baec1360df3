package dev.clipsync.presence.tracker;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.redis.StreamGroupReader;
import dev.clipsync.presence.PresenceProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Turns the gateways' reports into presence. Connect and disconnect events arrive on a
 * stream read by the {@code presence} consumer group, so with several replicas each event
 * is handled by one, and events sent while presence was down wait in the stream. Every
 * {@code reconcile-interval}, one replica (holding a short lock) compares presence with
 * the connection sets of the gateways whose liveness key is still there: connections of a
 * gateway that died are closed, and anything an event missed is put right.
 */
public class GatewayReports implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GatewayReports.class);

	private final StringRedisTemplate redis;

	private final RedisNames names;

	private final PresenceTracker tracker;

	private final JsonMapper json;

	private final Clock clock;

	private final Duration reconcileInterval;

	private final StreamGroupReader events;

	private final Counter eventsHandled;

	private final Counter sweptConnections;

	private final Counter reconciliations;

	private final AtomicLong onlineDevices = new AtomicLong();

	private final AtomicLong onlineUsers = new AtomicLong();

	private final String replica = "presence-" + UUID.randomUUID();

	private volatile boolean running;

	public GatewayReports(StringRedisTemplate redis, RedisNames names, PresenceTracker tracker, JsonMapper json,
			Clock clock, PresenceProperties properties, MeterRegistry meters) {
		this.redis = redis;
		this.names = names;
		this.tracker = tracker;
		this.json = json;
		this.clock = clock;
		this.reconcileInterval = properties.presence().reconcileInterval();
		this.events = new StreamGroupReader(redis, names.presenceEvents(), "presence", this.replica, this::handle,
				properties.redis().claimAbandonedAfter());
		this.eventsHandled = meters.counter("clipsync.presence.events.handled");
		this.sweptConnections = meters.counter("clipsync.presence.swept.connections");
		this.reconciliations = meters.counter("clipsync.presence.reconciliations");
		meters.gauge("clipsync.presence.online.devices", this.onlineDevices);
		meters.gauge("clipsync.presence.online.users", this.onlineUsers);
	}

	private void handle(Map<String, String> event) {
		PresenceTracker.Connection connection = new PresenceTracker.Connection(event.get("session"),
				UUID.fromString(event.get("userId")), UUID.fromString(event.get("deviceId")), event.get("name"),
				event.get("platform"));
		switch (String.valueOf(event.get("type"))) {
			case "connect" -> this.tracker.connected(connection);
			case "disconnect" -> this.tracker.disconnected(connection);
			default -> logger.debug("Ignored presence event {}", event.get("type"));
		}
		this.eventsHandled.increment();
	}

	/**
	 * Compare presence with the truth: the connection sets of the live gateways. What
	 * presence knows is read first, the gateways second, so a connection that opens or
	 * closes meanwhile is never undone by a stale view.
	 */
	@Scheduled(fixedDelayString = "${clipsync.presence.reconcile-interval:20s}", initialDelay = 1000)
	public void reconcile() {
		String lock = this.names.prefix() + ":presence:reconcile-lock";
		Boolean mine = this.redis.opsForValue().setIfAbsent(lock, this.replica, this.reconcileInterval.dividedBy(2));
		if (!Boolean.TRUE.equals(mine)) {
			return; // another replica reconciles this round
		}
		try {
			Set<String> known = this.tracker.knownConnections();
			Map<String, PresenceTracker.Connection> truth = liveConnections();
			Set<String> truthEntries = new HashSet<>();
			for (PresenceTracker.Connection connection : truth.values()) {
				truthEntries.add(connection.indexEntry());
				if (!known.contains(connection.indexEntry())) {
					this.tracker.connected(connection);
				}
			}
			for (String entry : known) {
				if (!truthEntries.contains(entry)) {
					this.tracker.disconnected(PresenceTracker.Connection.ofIndexEntry(entry));
					this.sweptConnections.increment();
				}
			}
			this.onlineDevices
				.set(truth.values().stream().map((c) -> c.userId() + "|" + c.deviceId()).distinct().count());
			this.onlineUsers.set(truth.values().stream().map(PresenceTracker.Connection::userId).distinct().count());
			this.reconciliations.increment();
		}
		catch (RuntimeException ex) {
			logger.warn("Reconciliation failed: {}", ex.toString());
		}
	}

	/** The open connections of every gateway still alive; dead gateways are forgotten. */
	private Map<String, PresenceTracker.Connection> liveConnections() {
		Map<String, PresenceTracker.Connection> connections = new HashMap<>();
		Set<String> gateways = this.redis.opsForSet().members(this.names.gateways());
		for (String gateway : (gateways != null) ? gateways : Set.<String>of()) {
			if (!Boolean.TRUE.equals(this.redis.hasKey(this.names.gatewayAlive(gateway)))) {
				logger.info("Gateway {} is gone: sweeping its connections", gateway);
				this.redis.delete(this.names.gatewayConnections(gateway));
				this.redis.opsForSet().remove(this.names.gateways(), gateway);
				continue;
			}
			Map<Object, Object> entries = this.redis.opsForHash().entries(this.names.gatewayConnections(gateway));
			entries.forEach((session, description) -> {
				JsonNode info = this.json.readTree((String) description);
				connections.put((String) session,
						new PresenceTracker.Connection((String) session, UUID.fromString(info.get("userId").asString()),
								UUID.fromString(info.get("deviceId").asString()), text(info, "name"),
								text(info, "platform")));
			});
		}
		return connections;
	}

	private static String text(JsonNode info, String field) {
		JsonNode value = info.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	@Override
	public void start() {
		this.running = true;
		this.events.start();
	}

	@Override
	public void stop() {
		this.running = false;
		this.events.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
