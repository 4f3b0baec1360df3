package dev.clipsync.drills;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One device, behaving as a real client must for the guarantees to reach its clipboard:
 * <ul>
 * <li>it reconnects with full-jitter exponential backoff whenever its connection closes,
 * fails, or falls silent (it pings when it has heard nothing for a while);</li>
 * <li>after each welcome it sends {@code sync} with the last seq it holds;</li>
 * <li>it keeps clips by seq, so a clip delivered twice is dropped (and counted);</li>
 * <li>every push stays in an outbox until acked and is sent again with the same id after
 * {@code unavailable}, {@code rate_limited}, or a reconnect.</li>
 * </ul>
 * Everything it saw is kept for the drill's verdict: what it holds, what arrived twice or
 * out of order, and how each of its connections ended.
 */
final class DrillDevice implements AutoCloseable {

	/**
	 * Nothing heard for this long (pings unanswered): the client gives up on the socket.
	 */
	static final Duration SILENCE = Duration.ofSeconds(8);

	private static final Duration PING_AFTER = Duration.ofSeconds(2);

	private static final long BACKOFF_BASE_MILLIS = 250;

	private static final long BACKOFF_CAP_MILLIS = 4000;

	/** The code recorded when the client itself gave up on a silent connection. */
	static final int GAVE_UP = 0;

	/** The code recorded when the drill cut the connection. */
	static final int DROPPED = -1;

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1,
			Thread.ofPlatform().daemon().name("drill-retries").factory());

	final String name;

	final UUID userId;

	final UUID deviceId;

	private final String token;

	private final URI gateway;

	private final HttpClient http;

	// Guarded by this:

	/** seq to clip id: clips delivered to this device and its own acked pushes. */
	private final NavigableMap<Long, UUID> held = new TreeMap<>();

	/** Seqs that arrived as {@code clip} messages, to tell a redelivery. */
	private final Set<Long> delivered = new HashSet<>();

	private final Map<UUID, Long> acked = new HashMap<>();

	private final LinkedHashMap<UUID, String> outbox = new LinkedHashMap<>();

	private long lastDelivered;

	private long syncedTo;

	private int duplicates;

	private int outOfOrder;

	private final List<String> conflicts = new ArrayList<>();

	private final List<Ending> endings = new ArrayList<>();

	private final Map<String, Integer> refusedConnects = new LinkedHashMap<>();

	private final List<String> unexpectedErrors = new ArrayList<>();

	private final List<String> oddities = new ArrayList<>();

	private volatile @Nullable Connection connection;

	private volatile boolean stalled;

	private volatile boolean running = true;

	private volatile long lastTrafficNanos = System.nanoTime();

	private final Thread supervisor;

	DrillDevice(String name, UUID userId, UUID deviceId, String token, URI gateway) {
		this.name = name;
		this.userId = userId;
		this.deviceId = deviceId;
		this.token = token;
		this.gateway = gateway;
		this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		this.supervisor = Thread.ofVirtual().name("device-" + name).start(this::keepConnected);
	}

	/** How a connection ended: a close code, 1006 for a failure, {@link #GAVE_UP}. */
	record Ending(int code, String detail, long atNanos) {

		@Override
		public String toString() {
			return switch (this.code) {
				case GAVE_UP -> "client gave up: " + this.detail;
				case DROPPED -> "dropped " + this.detail;
				default -> this.code + (this.detail.isEmpty() ? "" : " " + this.detail);
			};
		}

	}

	/**
	 * Push a text clip: into the outbox, and out at once when connected.
	 * @return its id
	 */
	UUID push(String data) {
		UUID id = UUID.randomUUID();
		synchronized (this) {
			this.outbox.put(id, data);
		}
		Connection current = this.connection;
		if (current != null && current.welcomed) {
			current.send(pushMessage(id, data));
		}
		return id;
	}

	/** Stop taking anything off the socket, as a frozen app would. */
	void stallReading() {
		this.stalled = true;
	}

	void resumeReading() {
		this.stalled = false;
		Connection current = this.connection;
		if (current != null) {
			current.heardNanos = System.nanoTime();
			WebSocket socket = current.socket;
			if (socket != null) {
				socket.request(1);
			}
		}
	}

	/**
	 * Lose the connection without a close, as a phone does that changes networks; the
	 * device reconnects as after any other loss.
	 */
	void dropConnection() {
		Connection current = this.connection;
		if (current != null) {
			current.end(new Ending(DROPPED, "by the drill", System.nanoTime()));
		}
	}

	/** Welcomed on a connection that is still open. */
	boolean connected() {
		Connection current = this.connection;
		return current != null && current.welcomed && !current.ended.isDone();
	}

	synchronized int unacked() {
		return this.outbox.size();
	}

	synchronized Map<UUID, Long> acked() {
		return new HashMap<>(this.acked);
	}

	synchronized Map<Long, UUID> held() {
		return new TreeMap<>(this.held);
	}

	/** Whether this device holds every one of these clips (seq to id). */
	synchronized boolean holdsAll(Map<Long, UUID> clips) {
		if (this.held.size() < clips.size()) {
			return false;
		}
		for (Map.Entry<Long, UUID> clip : clips.entrySet()) {
			if (!clip.getValue().equals(this.held.get(clip.getKey()))) {
				return false;
			}
		}
		return true;
	}

	synchronized Tally tally() {
		return new Tally(this.duplicates, this.outOfOrder, List.copyOf(this.conflicts), List.copyOf(this.endings),
				Map.copyOf(this.refusedConnects), List.copyOf(this.unexpectedErrors), List.copyOf(this.oddities));
	}

	/**
	 * What a device counted so far; the drill compares two tallies to see what one fault
	 * caused.
	 */
	record Tally(int duplicates, int outOfOrder, List<String> conflicts, List<Ending> endings,
			Map<String, Integer> refusedConnects, List<String> unexpectedErrors, List<String> oddities) {
	}

	/** When the last clip or ack arrived. */
	long lastTrafficNanos() {
		return this.lastTrafficNanos;
	}

	@Override
	public void close() {
		this.running = false;
		Connection current = this.connection;
		if (current != null) {
			current.end(new Ending(1000, "drill over", System.nanoTime()));
		}
		this.supervisor.interrupt();
	}

	private void keepConnected() {
		int failures = 0;
		while (this.running) {
			Connection attempt = new Connection();
			try {
				attempt.open();
			}
			catch (Exception ex) {
				attempt.end(new Ending(1006, "not connected", System.nanoTime()));
				noteRefused(ex);
				failures++;
				pause(failures);
				continue;
			}
			Ending ending = attempt.awaitEnd();
			synchronized (this) {
				if (this.running) {
					this.endings.add(ending);
				}
			}
			failures = attempt.welcomed ? 0 : failures + 1;
			pause(failures);
		}
	}

	/** Full jitter: anywhere between 0 and the capped exponential delay. */
	private void pause(int failures) {
		long ceiling = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << Math.min(failures, 10));
		try {
			Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	private synchronized void noteRefused(Exception ex) {
		Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
		String what = (cause instanceof WebSocketHandshakeException handshake)
				? "handshake " + handshake.getResponse().statusCode()
				: (cause instanceof TimeoutException) ? "connect timeout" : "connect failed";
		this.refusedConnects.merge(what, 1, Integer::sum);
	}

	private synchronized long resumePoint() {
		return Math.max(this.lastDelivered, this.syncedTo);
	}

	private synchronized void onClip(long seq, UUID id) {
		this.lastTrafficNanos = System.nanoTime();
		if (!this.delivered.add(seq)) {
			this.duplicates++;
			note("seq " + seq + " delivered again (after seq " + this.lastDelivered + ")");
			hold(seq, id);
			return;
		}
		if (seq < this.lastDelivered) {
			this.outOfOrder++;
			note("seq " + seq + " delivered after seq " + this.lastDelivered);
		}
		this.lastDelivered = Math.max(this.lastDelivered, seq);
		hold(seq, id);
	}

	private synchronized void onAck(UUID id, long seq) {
		this.lastTrafficNanos = System.nanoTime();
		this.outbox.remove(id);
		Long before = this.acked.putIfAbsent(id, seq);
		if (before != null && before != seq) {
			this.conflicts.add("push " + id + " acked as seq " + before + " and as seq " + seq);
		}
		hold(seq, id);
	}

	/** The first few oddities, to say what happened and not only how often. */
	private void note(String oddity) {
		if (this.oddities.size() < 5) {
			this.oddities.add(oddity);
		}
	}

	private void hold(long seq, UUID id) {
		UUID before = this.held.putIfAbsent(seq, id);
		if (before != null && !before.equals(id)) {
			this.conflicts.add("seq " + seq + " arrived as clip " + before + " and as clip " + id);
		}
	}

	private synchronized void onSynced(long latestSeq) {
		this.syncedTo = Math.max(this.syncedTo, latestSeq);
	}

	private synchronized @Nullable String unacked(UUID id) {
		return this.outbox.get(id);
	}

	private synchronized List<Map.Entry<UUID, String>> outboxInOrder() {
		return List.copyOf(this.outbox.entrySet());
	}

	private synchronized void unexpected(JsonNode error) {
		this.unexpectedErrors.add(error.path("code").asString() + ": " + error.path("message").asString());
	}

	private static String pushMessage(UUID id, String data) {
		return json.writeValueAsString(
				Map.of("type", "push", "id", id.toString(), "mime", "text/plain", "data", data, "encoding", "utf8"));
	}

	private static long jitterMillis(long from, long to) {
		return ThreadLocalRandom.current().nextLong(from, to + 1);
	}

	/** One WebSocket connection; the device makes a new one for each reconnect. */
	private final class Connection implements WebSocket.Listener {

		/** Sends in order, one at a time, as the JDK's WebSocket requires. */
		private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());

		private final CompletableFuture<Ending> ended = new CompletableFuture<>();

		private final StringBuilder partial = new StringBuilder();

		volatile @Nullable WebSocket socket;

		volatile boolean welcomed;

		volatile long heardNanos = System.nanoTime();

		private volatile long pingedNanos = System.nanoTime();

		void open() throws Exception {
			DrillDevice.this.http.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(5))
				.header("Authorization", "Bearer " + DrillDevice.this.token)
				.subprotocols("clipsync.v1")
				.buildAsync(DrillDevice.this.gateway, this)
				.get(10, TimeUnit.SECONDS);
		}

		/**
		 * Wait for the end, pinging a quiet connection and giving up on a silent one (a
		 * stalled device does neither: it is frozen).
		 */
		Ending awaitEnd() {
			while (true) {
				try {
					return this.ended.get(250, TimeUnit.MILLISECONDS);
				}
				catch (TimeoutException ex) {
					if (DrillDevice.this.stalled) {
						continue;
					}
					long now = System.nanoTime();
					if (now - this.heardNanos > SILENCE.toNanos()) {
						end(new Ending(GAVE_UP, "nothing heard for " + SILENCE.toSeconds() + " s", now));
					}
					else if (now - Math.max(this.heardNanos, this.pingedNanos) > PING_AFTER.toNanos()) {
						this.pingedNanos = now;
						send("{\"type\":\"ping\"}");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					end(new Ending(1000, "drill over", System.nanoTime()));
				}
				catch (ExecutionException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}

		void send(String text) {
			if (this.ended.isDone()) {
				return;
			}
			this.writer.execute(() -> {
				WebSocket current = this.socket;
				if (current == null || this.ended.isDone()) {
					return;
				}
				try {
					current.sendText(text, true).get(10, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					end(new Ending(1006, "send failed: " + ex.getClass().getSimpleName(), System.nanoTime()));
				}
			});
		}

		void end(Ending ending) {
			if (this.ended.complete(ending)) {
				WebSocket current = this.socket;
				if (current != null) {
					current.abort();
				}
				this.writer.shutdown();
				if (DrillDevice.this.connection == this) {
					DrillDevice.this.connection = null;
				}
			}
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			this.socket = webSocket;
			DrillDevice.this.connection = this;
			webSocket.request(1);
		}

		@Override
		public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			// Part of a large message is news too: pinging while one is still arriving
			// only adds a send that can race the server's close.
			this.heardNanos = System.nanoTime();
			if (last) {
				String text = this.partial.toString();
				this.partial.setLength(0);
				handle(json.readTree(text));
			}
			more(webSocket);
			return null;
		}

		@Override
		public @Nullable CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
			this.heardNanos = System.nanoTime();
			// the JDK answers with a pong by itself
			more(webSocket);
			return null;
		}

		@Override
		public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
			this.heardNanos = System.nanoTime();
			more(webSocket);
			return null;
		}

		@Override
		public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			end(new Ending(statusCode, reason.isEmpty() ? "" : "(" + reason + ")", System.nanoTime()));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			end(new Ending(1006, "(" + error.getClass().getSimpleName() + ": " + error.getMessage() + ")",
					System.nanoTime()));
		}

		private void more(WebSocket webSocket) {
			if (!DrillDevice.this.stalled) {
				webSocket.request(1);
			}
		}

		private void handle(JsonNode message) {
			switch (message.path("type").asString()) {
				case "welcome" -> {
					this.welcomed = true;
					sendSync();
					for (Map.Entry<UUID, String> push : outboxInOrder()) {
						send(pushMessage(push.getKey(), push.getValue()));
					}
				}
				case "clip" -> onClip(message.get("seq").asLong(), UUID.fromString(message.get("id").asString()));
				case "ack" -> onAck(UUID.fromString(message.get("id").asString()), message.get("seq").asLong());
				case "synced" -> onSynced(message.get("latestSeq").asLong());
				case "error" -> onErrorMessage(message);
				default -> {
					// presence, pong, authed: nothing to keep
				}
			}
		}

		private void sendSync() {
			send("{\"type\":\"sync\",\"after\":" + resumePoint() + "}");
		}

		/** Storage down or too fast: the same message again a little later. */
		private void onErrorMessage(JsonNode error) {
			String code = error.path("code").asString();
			JsonNode id = error.get("id");
			if (!"unavailable".equals(code) && !"rate_limited".equals(code)) {
				unexpected(error);
				return;
			}
			timers.schedule(() -> {
				if (DrillDevice.this.connection != this || this.ended.isDone()) {
					return;
				}
				if (id == null || id.isNull()) {
					sendSync();
					return;
				}
				UUID push = UUID.fromString(id.asString());
				String data = unacked(push);
				if (data != null) {
					send(pushMessage(push, data));
				}
			}, jitterMillis(300, 1300), TimeUnit.MILLISECONDS);
		}

	}

}
