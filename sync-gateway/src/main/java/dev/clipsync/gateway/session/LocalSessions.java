package dev.clipsync.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.clipsync.common.token.TokenCheck;
import dev.clipsync.common.wire.ClipPublished;
import dev.clipsync.common.wire.PresenceChanged;
import dev.clipsync.common.wire.SignOut;
import dev.clipsync.common.wire.UserChannelMessage;
import dev.clipsync.gateway.GatewayProperties;
import dev.clipsync.gateway.clips.Clip;
import dev.clipsync.gateway.clips.ClipStore;
import dev.clipsync.gateway.fanout.UserChannels;
import dev.clipsync.gateway.presence.PresenceReporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;

/**
 * The sync sessions open on this gateway, by user. It subscribes a user's channel when
 * the user's first session here opens and unsubscribes when the last one closes, and
 * hands what arrives on the channel to the sessions: clips to deliver, sign-outs to act
 * on.
 */
public class LocalSessions implements UserChannels.Listener, ClientSession.Deliveries {

	/** Close code for a device that was signed out (revoked, password changed, ...). */
	static final int SIGNED_OUT = 4403;

	/** Close code for a user over the per-user connection limit. */
	static final int TOO_MANY_CONNECTIONS = 4429;

	/** Close code for a connection silent past the idle timeout (going away). */
	static final int IDLE = 1001;

	/** How long the heartbeat's deny-list check waits for the sign-out message. */
	private static final Duration SIGN_OUT_MESSAGE_WAIT = Duration.ofSeconds(2);

	/** Deny-list entries read in one MGET by the heartbeat. */
	private static final int DENY_LIST_BATCH = 500;

	/** Close code for an access token that expired without a swap, or went bad. */
	static final int TOKEN_EXPIRED = 4401;

	private static final Duration LISTEN_WAIT = Duration.ofSeconds(3);

	private final ConcurrentHashMap<UUID, Set<ClientSession>> byUser = new ConcurrentHashMap<>();

	private final ClipStore store;

	private final PresenceReporter presence;

	private final TokenCheck tokens;

	private final JsonMapper json;

	private final Clock clock;

	private final GatewayProperties.Connections limits;

	private final ScheduledExecutorService timers = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("session-timers").daemon().factory());

	private final ExecutorService sessionWork = Executors.newVirtualThreadPerTaskExecutor();

	private final Counter gapFills;

	private final Counter slowConsumerCloses;

	private final Counter deliveries;

	private final Timer deliveryLatency;

	private final Semaphore storeReads = new Semaphore(8);

	private UserChannels channels;

	public LocalSessions(ClipStore store, JsonMapper json, Clock clock, GatewayProperties properties,
			MeterRegistry meters, PresenceReporter presence, TokenCheck tokens) {
		this.store = store;
		this.tokens = tokens;
		this.presence = presence;
		this.json = json;
		this.clock = clock;
		this.limits = properties.connections();
		this.gapFills = meters.counter("clipsync.gateway.gap.fills");
		this.slowConsumerCloses = meters.counter("clipsync.gateway.slow.consumer.closes");
		this.deliveries = meters.counter("clipsync.gateway.deliveries");
		this.deliveryLatency = Timer.builder("clipsync.gateway.delivery.latency")
			.description("from a clip's commit to its live delivery to another device")
			.publishPercentileHistogram()
			.register(meters);
		meters.gauge("clipsync.gateway.connections", this.byUser,
				(map) -> map.values().stream().mapToInt(Set::size).sum());
		this.timers.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
	}

	public void useChannels(UserChannels channels) {
		this.channels = channels;
	}

	/**
	 * Add a session, unless the user is at the connection limit here.
	 * @return whether it was added
	 */
	boolean add(ClientSession session) {
		boolean[] added = { false };
		this.byUser.compute(session.userId(), (user, sessions) -> {
			Set<ClientSession> current = (sessions != null) ? sessions : ConcurrentHashMap.newKeySet();
			if (current.size() >= this.limits.perUser()) {
				return sessions;
			}
			added[0] = current.add(session);
			return current;
		});
		if (added[0]) {
			this.channels.changed(session.userId());
		}
		return added[0];
	}

	/**
	 * Completes once this gateway surely hears the user's channel, or after a few seconds
	 * when Redis is away (the session is then re-synced when Redis is back).
	 */
	CompletableFuture<Void> whenListening(UUID userId) {
		return this.channels.whenListening(userId)
			.completeOnTimeout(null, LISTEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

	void remove(ClientSession session) {
		session.closed();
		boolean[] last = { false };
		this.byUser.computeIfPresent(session.userId(), (user, sessions) -> {
			sessions.remove(session);
			last[0] = sessions.isEmpty();
			return sessions.isEmpty() ? null : sessions;
		});
		if (last[0]) {
			this.channels.changed(session.userId());
		}
	}

	/** The users with a session here: a live view. */
	Set<UUID> users() {
		return this.byUser.keySet();
	}

	Collection<ClientSession> all() {
		return this.byUser.values().stream().flatMap(Set::stream).toList();
	}

	int count() {
		return this.byUser.values().stream().mapToInt(Set::size).sum();
	}

	@Override
	public void onMessage(UUID userId, UserChannelMessage message) {
		switch (message) {
			case ClipPublished clip -> {
				Clip stored = new Clip(clip.seq(), clip.id(), clip.from(), clip.session(), clip.mime(), clip.data(),
						clip.encoding(), clip.encrypted(), clip.sensitive(), clip.blob(), clip.createdAt());
				LiveClip live = new LiveClip(stored, this.json);
				for (ClientSession session : sessionsOf(userId)) {
					session.onLive(live);
				}
			}
			case PresenceChanged presence -> {
				ServerMessages.Presence forClients = new ServerMessages.Presence(presence.devices());
				for (ClientSession session : sessionsOf(userId)) {
					session.onPresence(forClients);
				}
			}
			case SignOut signOut -> {
				for (ClientSession session : sessionsOf(userId)) {
					if (signOut.deviceIds().contains(session.deviceId())) {
						session.close(new CloseStatus(SIGNED_OUT, signOut.reason().name().toLowerCase()));
					}
				}
			}
		}
	}

	@Override
	public void resync() {
		this.presence.rewrite();
		all().forEach(ClientSession::resync);
	}

	@Override
	public void resync(UUID userId) {
		sessionsOf(userId).forEach(ClientSession::resync);
	}

	private Collection<ClientSession> sessionsOf(UUID userId) {
		Set<ClientSession> sessions = this.byUser.get(userId);
		return (sessions != null) ? sessions : List.of();
	}

	/**
	 * Once a second: heartbeats due, silent connections (a client that answers no ping is
	 * gone, even if its socket still takes writes), tokens that expired without a swap.
	 */
	private void tick() {
		Instant now = this.clock.instant();
		long nanos = System.nanoTime();
		// in epoch milliseconds, as the sessions keep their times
		long silentBefore = now.toEpochMilli() - this.limits.idleTimeout().toMillis();
		long pingBefore = now.toEpochMilli() - this.limits.heartbeat().toMillis();
		List<ClientSession> due = new ArrayList<>();
		for (ClientSession session : all()) {
			session.checkWrites(nanos);
			if (session.lastHeardAt() <= silentBefore) {
				session.close(new CloseStatus(IDLE, "no message or pong within " + this.limits.idleTimeout()));
			}
			else if (!session.token().expiresAt().isAfter(now)) {
				session.close(new CloseStatus(TOKEN_EXPIRED, "token expired"));
			}
			else if (session.lastPingAt() <= pingBefore) {
				due.add(session);
			}
		}
		if (!due.isEmpty()) {
			this.sessionWork.execute(() -> heartbeat(due, now));
		}
	}

	/**
	 * Ping the sessions whose heartbeat is due, and check their tokens against the deny
	 * list: a backstop for a lost sign-out message, so a signed-out device's socket
	 * closes within a heartbeat even if the pub/sub message never arrived. One task and
	 * one Redis round trip (MGET) per batch: a task per session, each parked on its own
	 * GET, made 400 round trips and parked 400 virtual threads a second at 10,000
	 * connections.
	 */
	private void heartbeat(List<ClientSession> due, Instant now) {
		for (ClientSession session : due) {
			session.ping(now);
		}
		for (int from = 0; from < due.size(); from += DENY_LIST_BATCH) {
			closeSignedOut(due.subList(from, Math.min(due.size(), from + DENY_LIST_BATCH)));
		}
	}

	private void closeSignedOut(List<ClientSession> sessions) {
		List<ClientSession> signedOut;
		try {
			signedOut = this.tokens.noLongerAllowed(sessions, ClientSession::token);
		}
		catch (RuntimeException ex) {
			// Redis away: the next heartbeat checks again.
			return;
		}
		for (ClientSession session : signedOut) {
			// The sign-out message, which names the reason, is usually a moment behind
			// the deny entry: let it close the socket first.
			this.timers.schedule(() -> session.close(new CloseStatus(SIGNED_OUT, "signed out")),
					SIGN_OUT_MESSAGE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	Executor sessionExecutor() {
		return this.sessionWork;
	}

	@Override
	public ClipStore store() {
		return this.store;
	}

	@Override
	public JsonMapper json() {
		return this.json;
	}

	@Override
	public ScheduledExecutorService timers() {
		return this.timers;
	}

	@Override
	public Duration gapWait() {
		return this.limits.gapWait();
	}

	@Override
	public int maxQueuedTasks() {
		return 10_000;
	}

	@Override
	public long sendBufferLimit() {
		return this.limits.sendBufferLimit().toBytes();
	}

	@Override
	public Semaphore storeReads() {
		return this.storeReads;
	}

	@Override
	public Duration writeTimeout() {
		return this.limits.writeTimeout();
	}

	@Override
	public Duration idleTimeout() {
		return this.limits.idleTimeout();
	}

	@Override
	public Counter gapFills() {
		return this.gapFills;
	}

	@Override
	public Counter slowConsumerCloses() {
		return this.slowConsumerCloses;
	}

	@Override
	public void delivered(Clip clip, boolean live) {
		this.deliveries.increment();
		if (live) {
			this.deliveryLatency.record(Duration.between(clip.createdAt(), this.clock.instant()));
		}
	}

	public void shutdown() {
		this.timers.shutdownNow();
		this.sessionWork.shutdown();
	}

}
