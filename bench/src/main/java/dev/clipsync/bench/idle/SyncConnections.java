package dev.clipsync.bench.idle;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.jspecify.annotations.Nullable;

/**
 * Sync connections that authenticate, wait for their welcome and then stay idle, only
 * answering the server's pings, as a client between two clips does. One Jetty client
 * serves them all on a few threads, so tens of thousands fit in one small process.
 */
public final class SyncConnections implements AutoCloseable {

	private static final String SUBPROTOCOL = "clipsync.v1";

	private static final Pattern MAX_CLIP_BYTES = Pattern.compile("\"maxClipBytes\":(\\d+)");

	private final URI uri;

	private final TokenIssuer tokens;

	private final Duration tokenLifetime;

	private final Semaphore handshakes;

	private final boolean offerDeflate;

	private final HttpClient http;

	private final WebSocketClient client;

	private final Queue<Connection> open = new ConcurrentLinkedQueue<>();

	/**
	 * Connections that closed or failed while they should have stayed open, by reason.
	 */
	private final Map<String, Long> lost = new ConcurrentHashMap<>();

	private final AtomicLong maxClipBytes = new AtomicLong(-1);

	private final AtomicLong pings = new AtomicLong();

	/**
	 * @param uri the sync endpoint
	 * @param tokens signs the access token each connection presents
	 * @param tokenLifetime long enough that no token expires while measuring
	 * @param inFlight handshakes under way at once
	 * @param offerDeflate whether to offer {@code permessage-deflate}, as browsers do
	 */
	SyncConnections(URI uri, TokenIssuer tokens, Duration tokenLifetime, int inFlight, boolean offerDeflate)
			throws Exception {
		this.uri = uri;
		this.offerDeflate = offerDeflate;
		this.tokens = tokens;
		this.tokenLifetime = tokenLifetime;
		this.handshakes = new Semaphore(inFlight);
		QueuedThreadPool threads = new QueuedThreadPool(32, 4);
		threads.setName("bench-ws");
		this.http = new HttpClient();
		this.http.setExecutor(threads);
		// Upgraded connections leave the pool; only handshakes in flight count here.
		this.http.setMaxConnectionsPerDestination(Math.max(64, inFlight));
		this.client = new WebSocketClient(this.http);
		// The server's pings keep a connection alive; this side never closes one for
		// idleness.
		this.client.setIdleTimeout(Duration.ofHours(2));
		this.client.setConnectTimeout(30_000);
		this.client.start();
	}

	/**
	 * Open connections, each as a device of its own: {@code devicesPerUser} consecutive
	 * connections share a user. Returns when every one has had its welcome, or failed, or
	 * the time is up.
	 * @param count connections to add
	 * @param devicesPerUser connections per user
	 * @param timeout longest wait for all of them
	 * @return how many were welcomed, and why the others were not
	 */
	Opened open(int count, int devicesPerUser, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		CountDownLatch settled = new CountDownLatch(count);
		Batch batch = new Batch(settled);
		UUID user = UUID.randomUUID();
		int started = 0;
		for (int i = 0; i < count; i++) {
			if (!this.handshakes.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
				break;
			}
			if (i % devicesPerUser == 0) {
				user = UUID.randomUUID();
			}
			Connection connection = new Connection(batch);
			ClientUpgradeRequest request = new ClientUpgradeRequest();
			request.setSubProtocols(SUBPROTOCOL);
			if (this.offerDeflate) {
				request.addExtensions("permessage-deflate");
			}
			request.setHeader("Authorization",
					"Bearer " + this.tokens.token(user, UUID.randomUUID(), this.tokenLifetime));
			started++;
			try {
				this.client.connect(connection, this.uri, request).whenComplete((session, ex) -> {
					if (ex != null) {
						connection.failed(describe(ex));
					}
				});
			}
			catch (Exception ex) {
				connection.failed(describe(ex));
			}
		}
		for (int i = started; i < count; i++) {
			batch.failures.merge("not started: timed out", 1L, Long::sum);
			settled.countDown();
		}
		boolean all = settled.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		if (!all) {
			batch.failures.merge("no welcome in time", settled.getCount(), Long::sum);
		}
		return new Opened(batch.welcomedCount(), new TreeMap<>(batch.failures));
	}

	/** Connections open and welcomed. */
	int openCount() {
		return this.open.size();
	}

	/** {@code maxClipBytes} from the welcomes, or -1 before the first. */
	long maxClipBytes() {
		return this.maxClipBytes.get();
	}

	/** Server pings answered so far, over all connections. */
	long pingsAnswered() {
		return this.pings.get();
	}

	/** Welcomed connections that closed or failed without this bench closing them. */
	Map<String, Long> lost() {
		return new TreeMap<>(this.lost);
	}

	/**
	 * Close every open connection normally.
	 * @param timeout longest wait for the close handshakes
	 * @return how many did not finish closing in time
	 */
	long closeAll(Duration timeout) throws InterruptedException {
		CountDownLatch closed = new CountDownLatch(this.open.size());
		Connection connection;
		while ((connection = this.open.poll()) != null) {
			connection.close(closed);
		}
		closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		return closed.getCount();
	}

	@Override
	public void close() throws Exception {
		this.client.stop();
		this.http.stop();
	}

	private static String describe(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof UpgradeException upgrade && upgrade.getResponseStatusCode() > 0) {
			return "handshake answered " + upgrade.getResponseStatusCode();
		}
		String message = cause.getMessage();
		return cause.getClass().getSimpleName() + ((message != null)
				? ": " + ((message.length() > 120) ? message.substring(0, 120) + "..." : message) : "");
	}

	/**
	 * @param welcomed connections welcomed
	 * @param failures the others, counted by reason
	 */
	record Opened(int welcomed, Map<String, Long> failures) {
	}

	private static final class Batch {

		private final CountDownLatch settled;

		private final AtomicLong welcomed = new AtomicLong();

		private final Map<String, Long> failures = new ConcurrentHashMap<>();

		Batch(CountDownLatch settled) {
			this.settled = settled;
		}

		int welcomedCount() {
			return (int) this.welcomed.get();
		}

	}

	/**
	 * One device's connection: greeted, then idle until closed. Public, as Jetty calls
	 * the listener methods through a public lookup.
	 */
	public final class Connection implements Session.Listener.AutoDemanding {

		private final Batch batch;

		/** Set once: welcomed, or failed before the welcome. */
		private final AtomicBoolean settled = new AtomicBoolean();

		private volatile @Nullable Session session;

		private volatile @Nullable CountDownLatch closing;

		Connection(Batch batch) {
			this.batch = batch;
		}

		@Override
		public void onWebSocketOpen(Session session) {
			this.session = session;
		}

		@Override
		public void onWebSocketText(String message) {
			if (!message.contains("\"type\":\"welcome\"") || !this.settled.compareAndSet(false, true)) {
				return;
			}
			Matcher max = MAX_CLIP_BYTES.matcher(message);
			if (max.find()) {
				SyncConnections.this.maxClipBytes.set(Long.parseLong(max.group(1)));
			}
			SyncConnections.this.open.add(this);
			this.batch.welcomed.incrementAndGet();
			SyncConnections.this.handshakes.release();
			this.batch.settled.countDown();
		}

		@Override
		public void onWebSocketPing(ByteBuffer payload) {
			// Answered here rather than left to Jetty, so it is certain that it is
			// answered.
			Session current = this.session;
			if (current != null) {
				current.sendPong(payload, Callback.NOOP);
				SyncConnections.this.pings.incrementAndGet();
			}
		}

		@Override
		public void onWebSocketClose(int statusCode, String reason) {
			CountDownLatch latch = this.closing;
			if (latch != null) {
				latch.countDown();
				return;
			}
			String why = "closed " + statusCode + ((reason != null && !reason.isEmpty()) ? " " + reason : "");
			if (!failed(why)) {
				lostAfterWelcome(why);
			}
		}

		@Override
		public void onWebSocketError(Throwable cause) {
			if (this.closing == null && !failed(describe(cause))) {
				lostAfterWelcome("error " + describe(cause));
			}
		}

		/**
		 * Welcomed, then closed or broken without this bench closing it: the count is
		 * off.
		 */
		private void lostAfterWelcome(String why) {
			if (SyncConnections.this.open.remove(this)) {
				SyncConnections.this.lost.merge(why, 1L, Long::sum);
			}
		}

		/**
		 * Count a failure before the welcome.
		 * @return whether it was one (false once welcomed)
		 */
		boolean failed(String why) {
			if (!this.settled.compareAndSet(false, true)) {
				return false;
			}
			this.batch.failures.merge(why, 1L, Long::sum);
			SyncConnections.this.handshakes.release();
			this.batch.settled.countDown();
			return true;
		}

		void close(CountDownLatch closed) {
			this.closing = closed;
			Session current = this.session;
			if (current == null || !current.isOpen()) {
				closed.countDown();
				return;
			}
			current.close(StatusCode.NORMAL, "bench done", Callback.NOOP);
		}

	}

}
