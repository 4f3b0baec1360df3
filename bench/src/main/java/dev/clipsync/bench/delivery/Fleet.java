package dev.clipsync.bench.delivery;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.clipsync.bench.idle.TokenIssuer;
import org.HdrHistogram.Recorder;
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
 * Every user's devices, connected over the gateways, with what they sent and received.
 * Device 0 of each user pushes; the others receive. Send times are
 * {@link System#nanoTime} stamped at the start of the clip's data, so the receivers, in
 * this same process, read the delivery latency off one clock.
 */
final class Fleet implements AutoCloseable {

	private static final String SUBPROTOCOL = "clipsync.v1";

	/** Latencies are recorded in microseconds, up to this. */
	private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(5);

	private final List<URI> urls;

	private final HttpClient http;

	private final WebSocketClient client;

	private final List<Device[]> users = new ArrayList<>();

	/** Pushes sent and not yet acked: client id to send time. */
	private final Map<String, Long> pending = new ConcurrentHashMap<>();

	private final Map<String, Long> errors = new ConcurrentHashMap<>();

	private final Map<String, Long> closed = new ConcurrentHashMap<>();

	final Recorder handshakes = new Recorder(HIGHEST_MICROS, 3);

	final Recorder acks = new Recorder(HIGHEST_MICROS, 3);

	final Recorder deliveries = new Recorder(HIGHEST_MICROS, 3);

	/** Devices welcomed so far. */
	final AtomicLong welcomed = new AtomicLong();

	final AtomicLong sent = new AtomicLong();

	final AtomicLong acked = new AtomicLong();

	final AtomicLong delivered = new AtomicLong();

	final AtomicLong duplicated = new AtomicLong();

	final AtomicLong outOfOrder = new AtomicLong();

	/** Where slow acks and deliveries are written down, when asked for. */
	volatile @Nullable SlowSamples slow;

	/** Step that pushes now belong to; acks are filed under it. */
	volatile int step;

	Fleet(List<URI> urls) throws Exception {
		this.urls = urls;
		QueuedThreadPool threads = new QueuedThreadPool(32, 4);
		threads.setName("bench-ws");
		this.http = new HttpClient();
		this.http.setExecutor(threads);
		this.http.setMaxConnectionsPerDestination(256);
		this.client = new WebSocketClient(this.http);
		this.client.setIdleTimeout(Duration.ofHours(2));
		this.client.setConnectTimeout(30_000);
		this.client.setMaxTextMessageSize(64L * 1024 * 1024);
		this.client.start();
	}

	/**
	 * Sign a token for every device before any connects: signing is the load tool's work,
	 * and done during the connects it took CPU from the servers measured.
	 * @return the users and, per user, their devices and the devices' tokens
	 */
	static Credentials sign(int userCount, int devicesPerUser, TokenIssuer tokens) {
		List<UUID> users = new ArrayList<>(userCount);
		List<UUID[]> devices = new ArrayList<>(userCount);
		for (int u = 0; u < userCount; u++) {
			users.add(UUID.randomUUID());
			UUID[] ids = new UUID[devicesPerUser];
			for (int d = 0; d < devicesPerUser; d++) {
				ids[d] = UUID.randomUUID();
			}
			devices.add(ids);
		}
		return sign(users, devices, tokens);
	}

	/**
	 * New tokens for the same users and devices: a gateway that has verified a device's
	 * token before does not verify it again, so a storm that should meet tokens new to
	 * the gateways needs new ones.
	 * @return the same users and devices, with new tokens
	 */
	static Credentials resign(Credentials credentials, TokenIssuer tokens) {
		return sign(credentials.users(), credentials.devices(), tokens);
	}

	private static Credentials sign(List<UUID> users, List<UUID[]> devices, TokenIssuer tokens) {
		List<String[]> deviceTokens = new ArrayList<>(users.size());
		for (int u = 0; u < users.size(); u++) {
			UUID[] ids = devices.get(u);
			String[] signed = new String[ids.length];
			for (int d = 0; d < ids.length; d++) {
				signed[d] = tokens.token(users.get(u), ids[d], Duration.ofHours(2));
			}
			deviceTokens.add(signed);
		}
		return new Credentials(users, devices, deviceTokens);
	}

	/**
	 * Connect every device of the credentials, {@code inFlight} handshakes at a time;
	 * device d of user u goes to gateway (u + d + shift) mod gateways, so that a user's
	 * devices are spread over them.
	 * @param shift 0 at first; 1 sends every device to another gateway than before, as
	 * when the gateway it was on died (with one gateway, to the same)
	 * @return failures by reason (empty when all were welcomed)
	 */
	Map<String, Long> connect(Credentials credentials, int inFlight, Duration timeout, int shift)
			throws InterruptedException {
		int userCount = credentials.users().size();
		int devicesPerUser = (userCount > 0) ? credentials.tokens().getFirst().length : 0;
		long deadline = System.nanoTime() + timeout.toNanos();
		Semaphore slots = new Semaphore(inFlight);
		CountDownLatch settled = new CountDownLatch(userCount * devicesPerUser);
		Map<String, Long> failures = new ConcurrentHashMap<>();
		for (int u = 0; u < userCount; u++) {
			Device[] devices = new Device[devicesPerUser];
			this.users.add(devices);
			for (int d = 0; d < devicesPerUser; d++) {
				Device device = new Device(d, devices, slots, settled, failures);
				devices[d] = device;
				if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					device.failed("not started: timed out");
					continue;
				}
				ClientUpgradeRequest request = new ClientUpgradeRequest();
				request.setSubProtocols(SUBPROTOCOL);
				request.setHeader("Authorization", "Bearer " + credentials.tokens().get(u)[d]);
				device.started = System.nanoTime();
				try {
					this.client.connect(device, this.urls.get((u + d + shift) % this.urls.size()), request)
						.whenComplete((session, ex) -> {
							if (ex != null) {
								device.failed(describe(ex));
							}
						});
				}
				catch (Exception ex) {
					device.failed(describe(ex));
				}
			}
		}
		if (!settled.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
			failures.merge("no welcome in time", settled.getCount(), Long::sum);
		}
		return new TreeMap<>(failures);
	}

	/**
	 * One connection to each gateway, alone, retried until welcomed: a server fetches the
	 * JWK Set when it first sees the key, and on a busy machine that first fetch may time
	 * out. The connect figures are then those of warm servers.
	 * @return the gateways that never welcomed
	 */
	List<URI> prime(TokenIssuer tokens, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<URI> cold = new ArrayList<>();
		for (URI url : this.urls) {
			boolean welcomed = false;
			while (!welcomed && System.nanoTime() < deadline) {
				CountDownLatch welcome = new CountDownLatch(1);
				Primer listener = new Primer(welcome);
				ClientUpgradeRequest request = new ClientUpgradeRequest();
				request.setSubProtocols(SUBPROTOCOL);
				request.setHeader("Authorization",
						"Bearer " + tokens.token(UUID.randomUUID(), UUID.randomUUID(), Duration.ofMinutes(5)));
				try {
					Session session = this.client.connect(listener, url, request).get(10, TimeUnit.SECONDS);
					welcomed = welcome.await(10, TimeUnit.SECONDS);
					session.close(StatusCode.NORMAL, "primed", Callback.NOOP);
				}
				catch (ExecutionException | java.util.concurrent.TimeoutException | java.io.IOException ex) {
					Thread.sleep(1000);
				}
			}
			if (!welcomed) {
				cold.add(url);
			}
		}
		return cold;
	}

	int userCount() {
		return this.users.size();
	}

	/**
	 * Push one clip from the user's first device.
	 * @param user index of the user
	 * @param padding filler after the send time, so that the data has the clip size
	 * @return false when the pusher is not connected
	 */
	boolean push(int user, String padding) {
		Device pusher = this.users.get(user)[0];
		Session session = pusher.session;
		if (session == null || !pusher.welcomed.get() || !session.isOpen()) {
			return false;
		}
		String id = UUID.randomUUID().toString();
		long now = System.nanoTime();
		String message = "{\"type\":\"push\",\"id\":\"" + id + "\",\"mime\":\"text/plain\",\"data\":\"" + now + "|"
				+ padding + "\",\"encoding\":\"utf8\",\"encrypted\":false}";
		this.pending.put(id, now);
		this.sent.incrementAndGet();
		session.sendText(message, Callback.from(() -> {
		}, (ex) -> count(this.errors, "send failed: " + describe(ex))));
		return true;
	}

	int pendingCount() {
		return this.pending.size();
	}

	/**
	 * Deliveries still missing for the pushes acked in a step.
	 * @param forStep the step
	 * @return seqs missing on receivers that were welcomed (whether still connected or
	 * not); one that never connected is a connect failure, not a loss
	 */
	long lost(int forStep) {
		long lost = 0;
		for (Device[] devices : this.users) {
			BitSet ackedSeqs = devices[0].ackedIn(forStep);
			for (int d = 1; d < devices.length; d++) {
				if (!devices[d].welcomed.get()) {
					continue;
				}
				BitSet missing = (BitSet) ackedSeqs.clone();
				synchronized (devices[d]) {
					missing.andNot(devices[d].seen);
				}
				lost += missing.cardinality();
			}
		}
		return lost;
	}

	/** Receivers per pusher. */
	int receiversPerUser() {
		return this.users.isEmpty() ? 0 : this.users.getFirst().length - 1;
	}

	/** Errors counted since the last call, by code. */
	Map<String, Long> takeErrors() {
		return take(this.errors);
	}

	/**
	 * Welcomed connections that closed while the bench still used them, by code, since
	 * the last call.
	 */
	Map<String, Long> takeClosed() {
		return take(this.closed);
	}

	private static Map<String, Long> take(Map<String, Long> counts) {
		Map<String, Long> taken = new TreeMap<>();
		for (String key : counts.keySet()) {
			Long count = counts.remove(key);
			if (count != null) {
				taken.put(key, count);
			}
		}
		return taken;
	}

	/**
	 * Close every connection normally, waiting at most the timeout.
	 */
	void closeAll(Duration timeout) throws InterruptedException {
		List<Device> open = new ArrayList<>();
		for (Device[] devices : this.users) {
			for (Device device : devices) {
				Session session = device.session;
				if (session != null && session.isOpen()) {
					open.add(device);
				}
			}
		}
		CountDownLatch done = new CountDownLatch(open.size());
		for (Device device : open) {
			device.closing = done;
			device.session.close(StatusCode.NORMAL, "bench done",
					Callback.from(done::countDown, (ex) -> done.countDown()));
		}
		done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() throws Exception {
		this.client.stop();
		this.http.stop();
	}

	private static void count(Map<String, Long> counts, String key) {
		counts.merge(key, 1L, Long::sum);
	}

	static String describe(Throwable ex) {
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

	/** The long after {@code "name":} in a JSON text written without spaces, or -1. */
	static long longField(String json, String name) {
		int at = json.indexOf("\"" + name + "\":");
		if (at < 0) {
			return -1;
		}
		int start = at + name.length() + 3;
		int end = start;
		while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
			end++;
		}
		return (end > start) ? Long.parseLong(json, start, end, 10) : -1;
	}

	/** The string after {@code "name":"}, up to the next quote, or null. */
	static @Nullable String stringField(String json, String name) {
		int at = json.indexOf("\"" + name + "\":\"");
		if (at < 0) {
			return null;
		}
		int start = at + name.length() + 4;
		int end = json.indexOf('"', start);
		return (end > start) ? json.substring(start, end) : null;
	}

	/** Waits for a welcome. Public, as Jetty calls it through a public lookup. */
	public static final class Primer implements Session.Listener.AutoDemanding {

		private final CountDownLatch welcome;

		Primer(CountDownLatch welcome) {
			this.welcome = welcome;
		}

		@Override
		public void onWebSocketText(String message) {
			if (message.contains("\"type\":\"welcome\"")) {
				this.welcome.countDown();
			}
		}

	}

	/**
	 * One device's connection. Jetty hands it one message at a time, so its own state
	 * needs a lock only where the report reads it. Public, as Jetty calls the listener
	 * methods through a public lookup.
	 */
	public final class Device implements Session.Listener.AutoDemanding {

		private final int index;

		private final Device[] siblings;

		private final Semaphore slots;

		private final CountDownLatch settled;

		private final Map<String, Long> failures;

		private final AtomicBoolean welcomed = new AtomicBoolean();

		private final AtomicBoolean done = new AtomicBoolean();

		/** Seqs received (receivers). */
		private final BitSet seen = new BitSet();

		/** Seqs acked, per step (the pusher). */
		private final List<BitSet> ackedBySteps = new ArrayList<>();

		private long lastSeq;

		volatile long started;

		@SuppressWarnings("NullAway.Init")
		volatile Session session;

		volatile @Nullable CountDownLatch closing;

		Device(int index, Device[] siblings, Semaphore slots, CountDownLatch settled, Map<String, Long> failures) {
			this.index = index;
			this.siblings = siblings;
			this.slots = slots;
			this.settled = settled;
			this.failures = failures;
		}

		@Override
		public void onWebSocketOpen(Session session) {
			this.session = session;
		}

		@Override
		public void onWebSocketText(String message) {
			if (message.startsWith("{\"type\":\"clip\"") || message.contains("\"type\":\"clip\"")) {
				received(message);
			}
			else if (message.startsWith("{\"type\":\"ack\"") || message.contains("\"type\":\"ack\"")) {
				acked(message);
			}
			else if (message.contains("\"type\":\"welcome\"")) {
				if (this.done.compareAndSet(false, true)) {
					Fleet.this.handshakes
						.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - this.started) / 1000));
					this.welcomed.set(true);
					Fleet.this.welcomed.incrementAndGet();
					this.slots.release();
					this.settled.countDown();
				}
			}
			else if (message.contains("\"type\":\"error\"")) {
				String code = stringField(message, "code");
				count(Fleet.this.errors, "error " + ((code != null) ? code : "?"));
			}
		}

		private void received(String message) {
			long now = System.nanoTime();
			long seq = longField(message, "seq");
			String data = stringField(message, "data");
			if (seq < 1 || data == null || data.indexOf('|') < 0) {
				count(Fleet.this.errors, "clip not from this bench");
				return;
			}
			long sentAt = Long.parseLong(data, 0, data.indexOf('|'), 10);
			synchronized (this) {
				if (this.seen.get((int) seq)) {
					Fleet.this.duplicated.incrementAndGet();
					return;
				}
				this.seen.set((int) seq);
				if (seq < this.lastSeq) {
					Fleet.this.outOfOrder.incrementAndGet();
				}
				this.lastSeq = Math.max(this.lastSeq, seq);
			}
			Fleet.this.delivered.incrementAndGet();
			latency(Fleet.this.deliveries, "delivery", sentAt, now);
		}

		/**
		 * Records one ack's or delivery's latency, and writes it down too when it is
		 * slow.
		 */
		private void latency(Recorder histogram, String what, long sentAt, long now) {
			long micros = (now - sentAt) / 1000;
			histogram.recordValue(Math.min(HIGHEST_MICROS, micros));
			SlowSamples slow = Fleet.this.slow;
			if (slow != null) {
				slow.sample(what, now, micros);
			}
		}

		private void acked(String message) {
			long now = System.nanoTime();
			String id = stringField(message, "id");
			Long sentAt = (id != null) ? Fleet.this.pending.remove(id) : null;
			long seq = longField(message, "seq");
			if (sentAt == null || seq < 1) {
				count(Fleet.this.errors, "ack for no pending push");
				return;
			}
			Fleet.this.acked.incrementAndGet();
			latency(Fleet.this.acks, "ack", sentAt, now);
			int current = Fleet.this.step;
			synchronized (this) {
				while (this.ackedBySteps.size() <= current) {
					this.ackedBySteps.add(new BitSet());
				}
				this.ackedBySteps.get(current).set((int) seq);
			}
		}

		synchronized BitSet ackedIn(int forStep) {
			return (forStep < this.ackedBySteps.size()) ? (BitSet) this.ackedBySteps.get(forStep).clone()
					: new BitSet();
		}

		@Override
		public void onWebSocketPing(ByteBuffer payload) {
			Session current = this.session;
			if (current != null) {
				current.sendPong(payload, Callback.NOOP);
			}
		}

		@Override
		public void onWebSocketClose(int statusCode, String reason) {
			if (this.closing == null && !failed("closed " + statusCode)) {
				count(Fleet.this.closed, "closed " + statusCode + ((reason != null) ? " " + reason : ""));
			}
		}

		@Override
		public void onWebSocketError(Throwable cause) {
			if (this.closing == null && !failed(describe(cause))) {
				count(Fleet.this.closed, "error " + describe(cause));
			}
		}

		/** Count a failure before the welcome; false once welcomed. */
		boolean failed(String why) {
			if (!this.done.compareAndSet(false, true)) {
				return false;
			}
			count(this.failures, why);
			this.slots.release();
			this.settled.countDown();
			return true;
		}

		@Override
		public String toString() {
			return "device " + this.index + " of " + this.siblings.length;
		}

	}

	/**
	 * Signed tokens for a fleet of devices.
	 *
	 * @param users the users
	 * @param devices per user (same order), the device ids
	 * @param tokens per user (same order), a token per device
	 */
	record Credentials(List<UUID> users, List<UUID[]> devices, List<String[]> tokens) {
	}

}
