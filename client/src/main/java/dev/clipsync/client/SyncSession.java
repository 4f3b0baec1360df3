package dev.clipsync.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.clipsync.client.profile.Profile;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one WebSocket of a device, kept alive for as long as the session is open:
 * <ul>
 * <li>reconnects after any drop with full-jitter exponential backoff (500 ms doubling up
 * to 20 s, back to 500 ms after a connection that stayed up a minute); 1012 after a short
 * jittered delay; 4401 after refreshing the token; 4429 after a long delay; 4403 stops
 * for good ("signed out");</li>
 * <li>a watchdog drops a connection from which nothing (not even a ping) was heard for
 * 2.5 heartbeats;</li>
 * <li>resumes by the last seq it holds ({@code ?after=} at the handshake and
 * {@code sync{after}} after the welcome, which every gateway understands) and drops any
 * clip at or below it, so each seq is delivered once;</li>
 * <li>sends every unacked push of the outbox after each welcome, with its original id,
 * until it is acked; {@code unavailable} and {@code rate_limited} are retried with
 * backoff;</li>
 * <li>swaps in a fresh access token with {@code auth} before the current one
 * expires.</li>
 * </ul>
 * All of it runs on one thread of its own; listeners are called there.
 */
public final class SyncSession implements AutoCloseable {

	/** Where a session is. */
	public enum State {

		/** Opening the first connection. */
		CONNECTING,
		/** Welcomed by a gateway. */
		CONNECTED,
		/** Lost the connection; trying again. */
		RECONNECTING,
		/** The device was signed out (revoked, password changed, logged out): stopped. */
		SIGNED_OUT,
		/** Closed by its user. */
		CLOSED

	}

	static final String LAST_SEQ_FILE = "last-seq";

	private static final Duration MIN_BACKOFF = Duration.ofMillis(500);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

	private static final Duration HEALTHY = Duration.ofMinutes(1);

	private static final int OWN_IDS_KEPT = 1000;

	private final ScheduledExecutorService loop;

	private final HttpClient http;

	private final Credentials credentials;

	private final Endpoints endpoints;

	private final Outbox outbox;

	private final ClipCodec codec;

	private final SyncListener listener;

	private final @Nullable Profile seqProfile;

	private final Map<UUID, CompletableFuture<Ack>> waiting = new ConcurrentHashMap<>();

	private volatile State state = State.CONNECTING;

	private volatile long lastSeq;

	// confined to the loop thread from here on
	private @Nullable WebSocket socket;

	private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

	private int generation;

	private boolean welcomed;

	private boolean replaying;

	private int attempt;

	private long connectedAt;

	private long lastHeard;

	private int heartbeatSeconds = 25;

	private @Nullable String tokenInUse;

	private final List<ScheduledFuture<?>> timers = new ArrayList<>();

	private final Map<UUID, Integer> retries = new HashMap<>();

	/**
	 * This session's latest acks: its pushes replayed after a reconnect are not
	 * delivered.
	 */
	private final Map<UUID, Ack> recentAcks = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
		@Override
		protected boolean removeEldestEntry(Map.Entry<UUID, Ack> eldest) {
			return size() > OWN_IDS_KEPT;
		}
	});

	SyncSession(HttpClient http, Credentials credentials, Endpoints endpoints, Outbox outbox, ClipCodec codec,
			SyncListener listener, long after, @Nullable Profile seqProfile) {
		this.http = http;
		this.credentials = credentials;
		this.endpoints = endpoints;
		this.outbox = outbox;
		this.codec = codec;
		this.listener = listener;
		this.seqProfile = seqProfile;
		long stored = (seqProfile != null)
				? seqProfile.read(LAST_SEQ_FILE).map(String::trim).map(Long::parseLong).orElse(-1L) : -1L;
		this.lastSeq = (stored >= 0) ? stored : after;
		this.loop = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("clipsync-sync").daemon().factory());
		post(this::connect);
	}

	public State state() {
		return this.state;
	}

	/**
	 * @return the newest seq delivered or skipped over; -1 before the first welcome
	 */
	public long lastSeq() {
		return this.lastSeq;
	}

	/**
	 * Push content: written to the outbox first, then sent as soon as a gateway is
	 * connected, and again after every reconnect until acked.
	 * @param draft the content
	 * @return the push's id (an upload's clip id when it refers to a blob)
	 */
	public UUID push(Draft draft) {
		UUID id = (draft.upload() != null) ? draft.upload().clipId() : UUID.randomUUID();
		this.outbox.add(id, this.codec.push(id, draft));
		post(() -> sendOutboxEntry(id));
		return id;
	}

	/**
	 * @param id a push of this process (or any push still in the outbox)
	 * @return completes with the ack, or exceptionally when the push is refused
	 */
	public CompletableFuture<Ack> acked(UUID id) {
		CompletableFuture<Ack> future = this.waiting.computeIfAbsent(id, (key) -> new CompletableFuture<>());
		Ack already = this.recentAcks.get(id);
		if (already != null) {
			this.waiting.remove(id);
			future.complete(already);
		}
		return future;
	}

	/**
	 * @return whether every push of this profile is stored (none is waiting in the
	 * outbox)
	 */
	public boolean outboxEmpty() {
		return this.outbox.size() == 0;
	}

	@Override
	public void close() {
		if (this.loop.isShutdown()) {
			return;
		}
		CompletableFuture<Void> done = new CompletableFuture<>();
		try {
			this.loop.execute(() -> {
				if (this.state != State.SIGNED_OUT) {
					setState(State.CLOSED, "closed");
				}
				WebSocket open = this.socket;
				this.generation++;
				this.socket = null;
				cancelTimers();
				if (open != null) {
					open.sendClose(WebSocket.NORMAL_CLOSURE, "bye")
						.orTimeout(2, TimeUnit.SECONDS)
						.whenComplete((r, e) -> {
							open.abort();
							done.complete(null);
						});
				}
				else {
					done.complete(null);
				}
			});
			done.get(3, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// closing anyway
		}
		this.loop.shutdownNow();
	}

	// ---- connecting

	private void connect() {
		if (this.state == State.CLOSED || this.state == State.SIGNED_OUT) {
			return;
		}
		int generation = ++this.generation;
		String token;
		try {
			token = this.credentials.accessToken();
		}
		catch (ClipSyncException ex) {
			if (ClipSyncException.SIGNED_OUT.equals(ex.code()) || ClipSyncException.NOT_LOGGED_IN.equals(ex.code())) {
				signedOut(ex.getMessage());
			}
			else {
				retryLater("cannot refresh the token: " + ex.getMessage(), backoff());
			}
			return;
		}
		this.tokenInUse = token;
		URI uri = (this.lastSeq >= 0) ? URI.create(this.endpoints.sync() + "?after=" + this.lastSeq)
				: this.endpoints.sync();
		this.http.newWebSocketBuilder()
			.header("Authorization", "Bearer " + token)
			.subprotocols("clipsync.v1")
			.connectTimeout(Duration.ofSeconds(10))
			.buildAsync(uri, new Receiver(generation, token))
			.whenComplete((socket, failure) -> {
				// Success is taken in Receiver.onOpen, which comes before any message:
				// here it could come after the welcome.
				if (failure != null) {
					post(() -> opened(generation, null, failure, token));
				}
			});
	}

	private void opened(int generation, @Nullable WebSocket socket, @Nullable Throwable failure, String token) {
		if (generation != this.generation) {
			if (socket != null) {
				socket.abort();
			}
			return;
		}
		if (failure != null) {
			Throwable cause = (failure.getCause() != null) ? failure.getCause() : failure;
			if (cause instanceof WebSocketHandshakeException handshake) {
				int status = handshake.getResponse().statusCode();
				if (status == 401) {
					refreshThenReconnect(token, "the server refused the access token");
					return;
				}
				retryLater("the gateway answered HTTP " + status, backoff());
				return;
			}
			retryLater("cannot reach " + Api.origin(this.endpoints.sync()) + " (" + cause.getMessage() + ")",
					backoff());
			return;
		}
		this.socket = socket;
		this.sending = CompletableFuture.completedFuture(null);
		this.welcomed = false;
		this.lastHeard = System.nanoTime();
		// the welcome must come soon, or the connection is useless
		schedule(this::watchdog, Duration.ofSeconds(5));
	}

	private void refreshThenReconnect(String rejected, String why) {
		try {
			this.credentials.replace(rejected);
			retryLater(why + "; refreshed it", jitter(Duration.ofMillis(100), Duration.ofSeconds(1)));
		}
		catch (ClipSyncException ex) {
			if (ClipSyncException.SIGNED_OUT.equals(ex.code()) || ClipSyncException.NOT_LOGGED_IN.equals(ex.code())) {
				signedOut(ex.getMessage());
			}
			else {
				retryLater("cannot refresh the token: " + ex.getMessage(), backoff());
			}
		}
	}

	// ---- receiving

	private void received(int generation, String text) {
		if (generation != this.generation) {
			return;
		}
		this.lastHeard = System.nanoTime();
		JsonNode message;
		try {
			message = Json.mapper.readTree(text);
		}
		catch (JacksonException ex) {
			return;
		}
		switch (message.path("type").asString("")) {
			case "welcome" -> welcome(message);
			case "clip" -> clip(message);
			case "synced" -> {
				this.replaying = false;
				this.listener.synced(message.path("latestSeq").asLong());
			}
			case "ack" -> ack(message);
			case "error" -> error(message);
			case "presence" -> this.listener.presence(presence(message));
			case "authed" -> {
				try {
					this.listener.authed(Instant.parse(message.path("expiresAt").asString("")));
				}
				catch (RuntimeException ex) {
					// a server that does not say when: nothing to report
				}
			}
			default -> {
				// pong, and anything newer: being heard is what counts
			}
		}
	}

	private void welcome(JsonNode message) {
		this.welcomed = true;
		this.connectedAt = System.nanoTime();
		this.heartbeatSeconds = Math.max(1, message.path("heartbeatSeconds").asInt(25));
		if (this.lastSeq < 0) {
			this.lastSeq = message.path("latestSeq").asLong(0);
			storeSeq();
		}
		cancelTimers();
		setState(State.CONNECTED, "connected to " + Api.origin(this.endpoints.sync()));
		this.replaying = true;
		send(Json.mapper.createObjectNode().put("type", "sync").put("after", this.lastSeq));
		for (Outbox.Entry entry : this.outbox.entries()) {
			send(entry.push());
		}
		Duration heartbeat = Duration.ofSeconds(this.heartbeatSeconds);
		scheduleRepeating(this::ping, heartbeat);
		scheduleRepeating(this::watchdog, heartbeat.dividedBy(2));
		scheduleRefresh();
	}

	private void clip(JsonNode message) {
		long seq = message.path("seq").asLong(-1);
		if (seq <= this.lastSeq) {
			// the handshake's resume and our sync both replay: each seq is delivered once
			return;
		}
		this.lastSeq = seq;
		storeSeq();
		Clip clip;
		try {
			clip = this.codec.clip(message);
		}
		catch (RuntimeException ex) {
			return;
		}
		if (this.recentAcks.containsKey(clip.id())) {
			// our own push, replayed after a reconnect
			return;
		}
		this.listener.clip(clip, this.replaying);
	}

	private void ack(JsonNode message) {
		UUID id = UUID.fromString(message.get("id").asString());
		Ack ack = new Ack(id, message.path("seq").asLong(), message.path("duplicate").asBoolean(false));
		this.outbox.remove(id);
		this.retries.remove(id);
		this.recentAcks.put(id, ack);
		CompletableFuture<Ack> future = this.waiting.remove(id);
		if (future != null) {
			future.complete(ack);
		}
		this.listener.acked(ack);
	}

	private void error(JsonNode message) {
		String code = message.path("code").asString("");
		String text = message.path("message").asString(code);
		UUID id = null;
		try {
			id = message.path("id").isString() ? UUID.fromString(message.get("id").asString()) : null;
		}
		catch (IllegalArgumentException ex) {
			// not one of ours
		}
		if (id == null) {
			if ("unavailable".equals(code)) {
				// our sync could not be answered: ask again
				schedule(() -> send(Json.mapper.createObjectNode().put("type", "sync").put("after", this.lastSeq)),
						jitter(Duration.ofMillis(500), Duration.ofSeconds(2)));
			}
			else if ("unauthorized".equals(code) && this.socket != null) {
				// the swapped token was refused: the next handshake refreshes
				drop("the server refused the refreshed token");
			}
			return;
		}
		UUID pushId = id;
		switch (code) {
			case "unavailable", "rate_limited" -> {
				int attempts = this.retries.merge(pushId, 1, Integer::sum);
				schedule(() -> sendOutboxEntry(pushId), fullJitter(attempts));
			}
			default -> {
				this.outbox.remove(pushId);
				this.retries.remove(pushId);
				CompletableFuture<Ack> future = this.waiting.remove(pushId);
				ClipSyncException refused = new ClipSyncException(code, 0, text);
				if (future != null) {
					future.completeExceptionally(refused);
				}
				this.listener.rejected(pushId, code, text);
			}
		}
	}

	private static List<DevicePresence> presence(JsonNode message) {
		List<DevicePresence> devices = new ArrayList<>();
		for (JsonNode device : message.path("devices")) {
			try {
				devices.add(ClipSync.devicePresence(device));
			}
			catch (RuntimeException ex) {
				// skip what cannot be read
			}
		}
		return devices;
	}

	private void closed(int generation, int code, String reason) {
		if (generation != this.generation) {
			return;
		}
		WebSocket open = this.socket;
		if (open != null) {
			open.abort();
		}
		this.socket = null;
		cancelTimers();
		if (this.state == State.CLOSED || this.state == State.SIGNED_OUT) {
			return;
		}
		switch (code) {
			case 4403 -> signedOut("this device was signed out (" + (reason.isEmpty() ? "revoked" : reason)
					+ "): run 'clipsync login' again");
			case 4401 ->
				refreshThenReconnect((this.tokenInUse != null) ? this.tokenInUse : "", "the access token expired");
			case 1012 ->
				retryLater("the gateway is restarting", jitter(Duration.ofMillis(250), Duration.ofMillis(2500)));
			case 4429 -> retryLater("too many connections for this account",
					jitter(Duration.ofSeconds(30), Duration.ofSeconds(60)));
			default ->
				retryLater("connection closed (" + code + (reason.isEmpty() ? "" : " " + reason) + ")", backoff());
		}
	}

	private void failed(int generation, Throwable error) {
		if (generation != this.generation) {
			return;
		}
		WebSocket open = this.socket;
		if (open != null) {
			open.abort();
		}
		closed(generation, 1006, "connection lost");
	}

	// ---- sending

	private void sendOutboxEntry(UUID id) {
		if (!this.welcomed || this.socket == null) {
			// sent after the next welcome
			return;
		}
		for (Outbox.Entry entry : this.outbox.entries()) {
			if (entry.id().equals(id)) {
				send(entry.push());
			}
		}
	}

	/** One frame at a time: the JDK WebSocket refuses a send while another is pending. */
	private void send(ObjectNode message) {
		WebSocket open = this.socket;
		if (open == null) {
			return;
		}
		String text = Json.mapper.writeValueAsString(message);
		int generation = this.generation;
		this.sending = this.sending.handle((r, e) -> null)
			.thenCompose((ignored) -> open.sendText(text, true))
			.whenComplete((r, failure) -> {
				if (failure != null) {
					post(() -> failed(generation, failure));
				}
			});
	}

	private void ping() {
		send(Json.mapper.createObjectNode().put("type", "ping"));
	}

	private void watchdog() {
		if (this.socket == null) {
			return;
		}
		long silent = System.nanoTime() - this.lastHeard;
		long limit = this.welcomed ? Duration.ofSeconds(this.heartbeatSeconds).multipliedBy(5).dividedBy(2).toNanos()
				: Duration.ofSeconds(5).toNanos();
		if (silent >= limit) {
			drop(this.welcomed ? "nothing heard for " + (silent / 1_000_000_000) + " s" : "no welcome within 5 s");
		}
	}

	private void drop(String why) {
		WebSocket open = this.socket;
		int generation = this.generation;
		if (open != null) {
			open.abort();
		}
		this.socket = null;
		cancelTimers();
		this.generation++;
		if (this.state != State.CLOSED && this.state != State.SIGNED_OUT) {
			retryLater(why, backoff());
		}
		assert generation != this.generation;
	}

	private void scheduleRefresh() {
		Credentials.Tokens tokens;
		try {
			tokens = this.credentials.current();
		}
		catch (ClipSyncException ex) {
			return;
		}
		// well before expiry: two minutes before, or a third of a short token's lifetime
		Duration until = Duration.between(Instant.now(), tokens.accessExpiresAt())
			.minus(tokens.ahead(Duration.ofMinutes(2)));
		if (until.isNegative()) {
			until = Duration.ofSeconds(1);
		}
		schedule(this::refreshInBand, until);
	}

	private void refreshInBand() {
		if (this.socket == null) {
			return;
		}
		try {
			String token = this.credentials.fresh(Duration.ofMinutes(3)).accessToken();
			if (!token.equals(this.tokenInUse)) {
				this.tokenInUse = token;
				send(Json.mapper.createObjectNode().put("type", "auth").put("token", token));
			}
			scheduleRefresh();
		}
		catch (ClipSyncException ex) {
			if (ClipSyncException.SIGNED_OUT.equals(ex.code())) {
				WebSocket open = this.socket;
				if (open != null) {
					open.abort();
				}
				signedOut(ex.getMessage());
			}
			else {
				schedule(this::refreshInBand, Duration.ofSeconds(10));
			}
		}
	}

	// ---- state and timing

	private void retryLater(String why, Duration delay) {
		if (this.connectedAt != 0 && System.nanoTime() - this.connectedAt >= HEALTHY.toNanos()) {
			// a healthy minute: the next failure starts the backoff over
			this.attempt = 0;
		}
		this.connectedAt = 0;
		this.welcomed = false;
		setState((this.state == State.CONNECTING) ? State.CONNECTING : State.RECONNECTING,
				why + "; retrying in " + Math.max(1, delay.toMillis()) + " ms");
		schedule(this::connect, delay);
	}

	private void signedOut(String why) {
		cancelTimers();
		this.socket = null;
		this.generation++;
		setState(State.SIGNED_OUT, why);
		this.waiting.values()
			.forEach((future) -> future
				.completeExceptionally(new ClipSyncException(ClipSyncException.SIGNED_OUT, 0, why)));
		this.waiting.clear();
	}

	private void setState(State next, String detail) {
		State previous = this.state;
		this.state = next;
		if (previous != next || next != State.CONNECTED) {
			this.listener.state(next, detail);
		}
	}

	private Duration backoff() {
		return fullJitter(this.attempt++);
	}

	/** Full jitter: uniform in [0, min(20 s, 500 ms * 2^attempt)). */
	private static Duration fullJitter(int attempt) {
		long ceiling = Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(attempt, 10));
		return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
	}

	private static Duration jitter(Duration min, Duration max) {
		return Duration.ofMillis(ThreadLocalRandom.current().nextLong(min.toMillis(), max.toMillis() + 1));
	}

	private void storeSeq() {
		if (this.seqProfile != null) {
			this.seqProfile.write(LAST_SEQ_FILE, Long.toString(this.lastSeq));
		}
	}

	private void schedule(Runnable task, Duration delay) {
		this.timers.removeIf(ScheduledFuture::isDone);
		this.timers.add(this.loop.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS));
	}

	private void scheduleRepeating(Runnable task, Duration period) {
		this.timers.add(this.loop.scheduleWithFixedDelay(guarded(task), period.toMillis(), period.toMillis(),
				TimeUnit.MILLISECONDS));
	}

	private Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				// a bug must not stop the loop: drop the connection and start over
				drop("internal error: " + ex);
			}
		};
	}

	/** Run on the loop thread; after close there is nothing left to do. */
	private void post(Runnable task) {
		try {
			this.loop.execute(task);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// closed
		}
	}

	private void cancelTimers() {
		this.timers.forEach((timer) -> timer.cancel(false));
		this.timers.clear();
	}

	/** WebSocket callbacks, handed to the loop thread tagged with their connection. */
	private final class Receiver implements WebSocket.Listener {

		private final int generation;

		private final String token;

		private final StringBuilder partial = new StringBuilder();

		Receiver(int generation, String token) {
			this.generation = generation;
			this.token = token;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			SyncSession.this.post(() -> opened(this.generation, webSocket, null, this.token));
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				String text = this.partial.toString();
				this.partial.setLength(0);
				SyncSession.this.post(() -> received(this.generation, text));
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
			SyncSession.this.post(() -> {
				if (this.generation == SyncSession.this.generation) {
					SyncSession.this.lastHeard = System.nanoTime();
				}
			});
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			SyncSession.this.post(() -> closed(this.generation, statusCode, reason));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			SyncSession.this.post(() -> failed(this.generation, error));
		}

	}

}
