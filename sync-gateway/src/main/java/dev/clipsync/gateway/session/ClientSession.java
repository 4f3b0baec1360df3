package dev.clipsync.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.Supplier;

import dev.clipsync.common.token.AccessToken;
import dev.clipsync.gateway.clips.Clip;
import dev.clipsync.gateway.clips.ClipStore;
import io.micrometer.core.instrument.Counter;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;

/**
 * One device connection and the order in which it receives clips.
 * <p>
 * Every device must see its user's clips in ascending seq, but two clips pushed through
 * two gateways can be published in the other order than they were committed. So the
 * session remembers the last seq it passed ({@code lastSeq}) and holds a clip that skips
 * ahead; when the missing ones do not arrive within {@code gapWait} they are read from
 * the database, where they must be, since a later seq is committed only after an earlier
 * one. The session's own pushes count as passed without being sent back. All of this runs
 * on the session's {@link SerialExecutor}, so no locks are needed and a slow database
 * read for one session never holds up another.
 */
final class ClientSession {

	private static final Logger logger = LoggerFactory.getLogger(ClientSession.class);

	private static final int PAGE = 200;

	/** Replay reads about this many bytes of clips at a time. */
	private static final long PAGE_BYTES = 1024 * 1024;

	/** A seq this session pushed itself: passed without being sent. */
	private static final LiveClip OWN = new LiveClip(
			new Clip(0, new UUID(0, 0), new UUID(0, 0), new UUID(0, 0), "", "", "", false, false, null, Instant.EPOCH),
			null);

	private final CoreSession socket;

	private final Outbox outbox;

	private final UUID userId;

	private final UUID deviceId;

	private final UUID sessionId = UUID.randomUUID();

	private final SerialExecutor work;

	private final Deliveries deliveries;

	private volatile AccessToken token;

	// Epoch milliseconds rather than Instants: these are written on every message and
	// ping, and a new young object stored into every long-lived session is one more card
	// each young collection has to scan.
	private volatile long lastPingAt;

	private volatile long lastHeardAt;

	private volatile boolean closing;

	/** Jetty reported the connection closed. */
	private volatile boolean ended;

	private int invalidMessages;

	private volatile boolean liveRequested;

	/** The welcome is on its way: what the client sends from now on may answer it. */
	private volatile boolean welcomed;

	private final AtomicLong queuedBytes = new AtomicLong();

	// Touched only on the serial executor:

	private long lastSeq = -1;

	/**
	 * Whether live clips flow. A reconnecting client sends {@code sync} right after the
	 * welcome; holding live clips until then (or until it does anything else, or a grace
	 * period passes) keeps the replay and the live clips in one ascending order.
	 */
	private boolean live;

	/** Redis came back while live clips were held: read from the store on going live. */
	private boolean missedWhileHeld;

	/** The client's sync failed (storage away): held until its next sync succeeds. */
	private boolean replayFailed;

	private final NavigableMap<Long, LiveClip> waiting = new TreeMap<>();

	private @Nullable ScheduledFuture<?> gapTimer;

	ClientSession(CoreSession socket, UUID userId, UUID deviceId, AccessToken token, Executor executor,
			Deliveries deliveries, Clock clock) {
		this.socket = socket;
		this.outbox = new Outbox(socket, deliveries.sendBufferLimit(), this::tooSlow);
		this.userId = userId;
		this.deviceId = deviceId;
		this.token = token;
		this.work = new SerialExecutor(executor);
		this.deliveries = deliveries;
		this.lastPingAt = clock.millis();
		this.lastHeardAt = this.lastPingAt;
	}

	UUID userId() {
		return this.userId;
	}

	UUID deviceId() {
		return this.deviceId;
	}

	UUID sessionId() {
		return this.sessionId;
	}

	/**
	 * Start counting from the user's current last seq and greet the client. Queued before
	 * the session is registered for live clips, so it runs before any of them.
	 * @param welcome builds the welcome once the latest seq is known
	 * @param presence the user's devices, for the greeting
	 * @param syncGrace how long live clips wait for a first {@code sync} after the
	 * welcome
	 * @param resumeAfter the seq the client resumed after at the handshake, or a negative
	 * number when it did not
	 * @param listening completes once the user's channel is surely heard: a clip
	 * committed after the latest seq is read then surely arrives
	 */
	void open(LongFunction<Object> welcome, Supplier<Object> presence, Duration syncGrace, long resumeAfter,
			CompletableFuture<Void> listening) {
		if (resumeAfter >= 0) {
			this.liveRequested = true;
		}
		this.work.submit(() -> {
			listening.join();
			try {
				this.lastSeq = this.deliveries.store().latestSeq(this.userId);
			}
			catch (RuntimeException ex) {
				logger.warn("Storage unavailable when opening session {}: {}", this.sessionId, ex.toString());
				close(CloseStatus.SERVICE_RESTARTED.withReason("storage unavailable; reconnect"));
				return;
			}
			send(welcome.apply(this.lastSeq));
			this.welcomed = true;
			try {
				send(presence.get());
			}
			catch (RuntimeException ex) {
				// Presence is a courtesy: the next change brings the whole list anyway.
				logger.debug("No presence for session {}: {}", this.sessionId, ex.toString());
			}
			if (resumeAfter >= 0) {
				replayNow(resumeAfter);
			}
			else {
				// Counted from the welcome, so a slow start never eats the client's time.
				this.deliveries.timers()
					.schedule(() -> enqueue(this::goLive), syncGrace.toMillis(), TimeUnit.MILLISECONDS);
			}
		});
	}

	/**
	 * A presence change of the user's devices: passed on after anything queued before
	 * (the session hears them from before its welcome is sent).
	 */
	void onPresence(Object presence) {
		enqueue(() -> {
			// Before the welcome nothing may be sent; the greeting after it reads
			// presence afresh, so this change is in it.
			if (this.welcomed) {
				send(presence);
			}
		});
	}

	/**
	 * The client pushed without a first {@code sync}: start live delivery. A push that
	 * was read before the welcome went out says nothing of the kind (the client sends its
	 * sync when the welcome arrives), so live clips stay held for it; going live then put
	 * a live clip ahead of the replay in the PostgreSQL restart drill.
	 */
	void clientActive() {
		if (this.welcomed && !this.liveRequested) {
			this.liveRequested = true;
			enqueue(this::goLive);
		}
	}

	private void goLive() {
		if (this.live || this.replayFailed) {
			return;
		}
		this.live = true;
		if (this.missedWhileHeld) {
			this.missedWhileHeld = false;
			resyncNow();
		}
		deliverInOrder();
	}

	/**
	 * A clip published on the user's channel (any gateway). A session whose clips pile up
	 * unsent past the send buffer limit (its device stopped reading, so a send is stuck)
	 * is closed; it resumes by seq when it reconnects.
	 */
	void onLive(LiveClip live) {
		Clip clip = live.clip();
		long size = clip.session().equals(this.sessionId) ? 0 : clip.data().length();
		if (this.queuedBytes.getAndAdd(size) > this.deliveries.sendBufferLimit()) {
			tooSlow();
			return;
		}
		enqueue(() -> {
			this.queuedBytes.addAndGet(-size);
			if (clip.seq() > this.lastSeq) {
				this.waiting.put(clip.seq(), clip.session().equals(this.sessionId) ? OWN : live);
				deliverInOrder();
			}
		});
	}

	/** This session's own push was stored with this seq. */
	void onOwnPush(long seq) {
		enqueue(() -> {
			if (seq > this.lastSeq) {
				this.waiting.put(seq, OWN);
				deliverInOrder();
			}
		});
	}

	/**
	 * Send every clip after {@code after}, then {@code synced}; live clips that arrive
	 * meanwhile wait in the queue and follow without gap or duplicate.
	 * @param after the last seq the client holds
	 */
	void replay(long after) {
		this.liveRequested = true;
		enqueue(() -> replayNow(after));
	}

	private void replayNow(long after) {
		boolean wasLive = this.live;
		this.replayFailed = false;
		this.live = true;
		this.missedWhileHeld = false;
		try {
			readAllAfter(after);
		}
		catch (RuntimeException ex) {
			logger.warn("Replay for session {} failed: {}", this.sessionId, ex.toString());
			if (!wasLive) {
				// Still held until the client's next sync succeeds: live clips must not
				// go ahead of the replay it asks for again, or it would get them out of
				// order (found by the PostgreSQL restart drill).
				this.live = false;
				this.replayFailed = true;
			}
			send(new ServerMessages.Error("unavailable", "storage unavailable; send sync again", null));
			return;
		}
		this.waiting.headMap(this.lastSeq, true).clear();
		deliverInOrder();
		send(new ServerMessages.Synced(this.lastSeq));
	}

	/** Redis was away: read whatever may have been missed since the last seq passed. */
	void resync() {
		enqueue(() -> {
			if (this.lastSeq < 0) {
				return;
			}
			if (!this.live) {
				// Sending now would go ahead of the client's own sync: read when going
				// live.
				this.missedWhileHeld = true;
				return;
			}
			resyncNow();
			deliverInOrder();
		});
	}

	private void resyncNow() {
		try {
			readAllAfter(this.lastSeq);
		}
		catch (RuntimeException ex) {
			logger.warn("Re-sync of session {} failed, retrying: {}", this.sessionId, ex.toString());
			this.deliveries.timers().schedule(this::resync, 1, TimeUnit.SECONDS);
			return;
		}
		this.waiting.headMap(this.lastSeq, true).clear();
	}

	/**
	 * A whole replay, taking one of the gateway's few permits for them: a reconnect storm
	 * or a re-sync of every session must leave database connections for pushes.
	 */
	private void readAllAfter(long after) {
		this.deliveries.storeReads().acquireUninterruptibly();
		try {
			readFromStore(after, Long.MAX_VALUE);
		}
		finally {
			this.deliveries.storeReads().release();
		}
	}

	private void deliverInOrder() {
		if (!this.live) {
			return;
		}
		// Clips heard before the session knew its starting seq, or already replayed.
		this.waiting.headMap(this.lastSeq, true).clear();
		while (!this.waiting.isEmpty() && this.waiting.firstKey() == this.lastSeq + 1) {
			var next = this.waiting.pollFirstEntry();
			if (next.getValue() != OWN) {
				LiveClip live = next.getValue();
				if (!this.closing && this.outbox.offer(Outbox.text(live.text()))) {
					this.deliveries.delivered(live.clip(), true);
				}
			}
			this.lastSeq = next.getKey();
		}
		if (this.waiting.isEmpty()) {
			cancelGapTimer();
		}
		else if (this.gapTimer == null) {
			this.gapTimer = this.deliveries.timers()
				.schedule(() -> enqueue(this::fillGap), this.deliveries.gapWait().toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void fillGap() {
		this.gapTimer = null;
		if (this.waiting.isEmpty() || this.closing) {
			return;
		}
		long firstWaiting = this.waiting.firstKey();
		this.deliveries.gapFills().increment();
		try {
			readFromStore(this.lastSeq, firstWaiting);
		}
		catch (RuntimeException ex) {
			logger.warn("Reading a gap for session {} failed, retrying: {}", this.sessionId, ex.toString());
			this.gapTimer = this.deliveries.timers().schedule(() -> enqueue(this::fillGap), 1, TimeUnit.SECONDS);
			return;
		}
		// Whatever is still missing below the first waiting clip was deleted.
		this.lastSeq = Math.max(this.lastSeq, firstWaiting - 1);
		deliverInOrder();
	}

	/**
	 * Send stored clips with after < seq < before, oldest first, skipping this session's
	 * own, moving {@code lastSeq} up as they go (so a failure half-way loses nothing and
	 * repeats nothing). Reads a page of at most about {@link #PAGE_BYTES} at a time and
	 * the next one only when the client has taken most of it, so a replay of large clips
	 * holds little memory however long the history.
	 */
	private void readFromStore(long after, long before) {
		long last = after;
		while (!this.closing) {
			List<Clip> page = this.deliveries.store().after(this.userId, last, PAGE, PAGE_BYTES);
			if (page.isEmpty()) {
				return;
			}
			for (Clip clip : page) {
				if (clip.seq() >= before) {
					return;
				}
				if (!clip.session().equals(this.sessionId)) {
					sendStored(clip);
				}
				last = clip.seq();
				this.lastSeq = Math.max(this.lastSeq, last);
			}
			// A client that stops reading is closed by the write timeout meanwhile.
			this.outbox.awaitBelow(PAGE_BYTES, this.deliveries.writeTimeout().multipliedBy(2));
		}
	}

	/** A clip read from the store: encoded for this session alone. */
	private void sendStored(Clip clip) {
		if (send(ServerMessages.ClipMessage.of(clip))) {
			this.deliveries.delivered(clip, false);
		}
	}

	/**
	 * Queue work for this session; a session whose queue keeps growing cannot keep up and
	 * is closed (it resumes by seq when it reconnects).
	 */
	private void enqueue(Runnable task) {
		if (this.closing) {
			return;
		}
		if (this.work.submit(task) > this.deliveries.maxQueuedTasks()) {
			tooSlow();
		}
	}

	/**
	 * Queue a message for the client.
	 * @return whether it will be written (false once the connection is going away)
	 */
	boolean send(Object message) {
		if (this.closing) {
			return false;
		}
		return this.outbox.offer(Outbox.text(this.deliveries.json().writeValueAsString(message)));
	}

	void ping(Instant now) {
		this.lastPingAt = now.toEpochMilli();
		if (this.closing) {
			return;
		}
		// Only an idle connection needs a ping: a busy one is watched by the write
		// timeout, and a ping queued behind a stalled backlog would only add to it.
		if (this.outbox.queuedBytes() == 0) {
			this.outbox.offer(Outbox.ping());
		}
	}

	/**
	 * Close the connection if its current write has waited for the client longer than the
	 * write timeout: the client stopped reading.
	 * @param now the current {@link System#nanoTime()}
	 */
	void checkWrites(long now) {
		if (!this.closing && this.outbox.stalledFor(now).compareTo(this.deliveries.writeTimeout()) > 0) {
			tooSlow();
		}
	}

	private void tooSlow() {
		this.deliveries.slowConsumerCloses().increment();
		close(CloseStatus.SERVICE_OVERLOAD.withReason("too slow; reconnect and sync"), true);
	}

	/** When the last heartbeat was due, in epoch milliseconds. */
	long lastPingAt() {
		return this.lastPingAt;
	}

	/**
	 * The client sent something (a message or a pong): it is alive.
	 * @param nowMillis the time, in epoch milliseconds
	 */
	void heard(long nowMillis) {
		this.lastHeardAt = nowMillis;
	}

	/** When the client last sent anything, in epoch milliseconds. */
	long lastHeardAt() {
		return this.lastHeardAt;
	}

	/** The access token in force: the handshake's, or the last one swapped in. */
	AccessToken token() {
		return this.token;
	}

	void tokenSwapped(AccessToken swapped) {
		this.token = swapped;
	}

	/**
	 * Count an invalid message.
	 * @return how many this connection sent in a row
	 */
	int invalidMessage() {
		return ++this.invalidMessages;
	}

	void validMessage() {
		this.invalidMessages = 0;
	}

	/**
	 * Close the connection once what was queued before (an error saying why, say) has
	 * been written, within the write timeout. Never on the caller's thread: that wait,
	 * and the close frame, can take as long as the client takes to read.
	 */
	void close(CloseStatus status) {
		close(status, false);
	}

	/**
	 * @param dropUnsent forget what was not written yet: the client stopped reading (it
	 * resumes by seq when it reconnects)
	 */
	private void close(CloseStatus status, boolean dropUnsent) {
		if (this.closing) {
			return;
		}
		this.closing = true;
		if (dropUnsent) {
			this.outbox.shut();
		}
		Thread.ofVirtual().name("session-close").start(() -> {
			this.outbox.awaitBelow(0, this.deliveries.writeTimeout());
			this.outbox.shut();
			try {
				CloseHandshake.close(this.socket, status);
				// A client that does not answer the close frame is waited for as long as
				// a silent one.
				this.deliveries.timers()
					.schedule(this::abortUnlessEnded, this.deliveries.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RuntimeException ex) {
				logger.debug("Close of session {} failed: {}", this.sessionId, ex.toString());
			}
		});
	}

	private void abortUnlessEnded() {
		if (this.ended) {
			return;
		}
		try {
			this.socket.abort();
		}
		catch (RuntimeException ex) {
			logger.debug("Abort of session {} failed: {}", this.sessionId, ex.toString());
		}
	}

	void closed() {
		this.closing = true;
		this.ended = true;
		this.outbox.shut();
		cancelGapTimerQuietly();
	}

	private void cancelGapTimer() {
		if (this.gapTimer != null) {
			this.gapTimer.cancel(false);
			this.gapTimer = null;
		}
	}

	private void cancelGapTimerQuietly() {
		ScheduledFuture<?> timer = this.gapTimer;
		if (timer != null) {
			timer.cancel(false);
		}
	}

	/**
	 * What sessions share: the store, timers, settings and metrics.
	 */
	interface Deliveries {

		ClipStore store();

		JsonMapper json();

		ScheduledExecutorService timers();

		Duration gapWait();

		int maxQueuedTasks();

		long sendBufferLimit();

		Duration writeTimeout();

		/** How long a client may stay silent, and take to answer a close frame. */
		Duration idleTimeout();

		/** Bounds how many sessions replay from the store at once. */
		Semaphore storeReads();

		Counter gapFills();

		Counter slowConsumerCloses();

		void delivered(Clip clip, boolean live);

	}

}
