package dev.clipsync.common.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real WebSocket client of the sync protocol (the JDK's), for tests: it keeps every
 * message received and how the connection closed.
 */
public final class SyncClient implements AutoCloseable {

	public static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

	private final Deque<JsonNode> setAside = new ArrayDeque<>();

	private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

	private volatile String closeReason = "";

	private final WebSocket socket;

	private SyncClient(URI uri, Map<String, String> headers, List<String> subprotocols) {
		WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		headers.forEach(builder::header);
		if (!subprotocols.isEmpty()) {
			builder.subprotocols(subprotocols.get(0),
					subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
		}
		this.socket = builder.buildAsync(uri, new Listener()).join();
	}

	/** Connect with an {@code Authorization: Bearer} header and wait for the welcome. */
	public static SyncClient connect(URI uri, String token) {
		SyncClient client = new SyncClient(uri, Map.of("Authorization", "Bearer " + token), List.of("clipsync.v1"));
		JsonNode welcome = client.next();
		if (!"welcome".equals(welcome.get("type").asString())) {
			throw new IllegalStateException("expected welcome, got " + welcome);
		}
		client.welcome = welcome;
		client.presence = client.next("presence");
		return client;
	}

	/**
	 * Connect without waiting for anything: for connections the server closes at once.
	 */
	public static SyncClient connectRaw(URI uri, String token) {
		return new SyncClient(uri, Map.of("Authorization", "Bearer " + token), List.of("clipsync.v1"));
	}

	/** Connect the way browsers do: the token in an offered subprotocol. */
	public static SyncClient connectWithSubprotocol(URI uri, String token) {
		SyncClient client = new SyncClient(uri, Map.of(), List.of("clipsync.v1", "bearer." + token));
		client.welcome = client.next();
		client.presence = client.next("presence");
		return client;
	}

	/**
	 * The HTTP status of a handshake that is expected to be refused.
	 * @return the status, or 101 if it was accepted
	 */
	public static int handshakeStatus(URI uri, Map<String, String> headers, List<String> subprotocols) {
		try {
			new SyncClient(uri, headers, subprotocols).close();
			return 101;
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException handshake) {
				return handshake.getResponse().statusCode();
			}
			throw ex;
		}
	}

	private JsonNode welcome;

	private JsonNode presence;

	/** The presence list the gateway sent right after the welcome. */
	public JsonNode presence() {
		return this.presence;
	}

	public JsonNode welcome() {
		return this.welcome;
	}

	public String subprotocol() {
		return this.socket.getSubprotocol();
	}

	public void send(Object message) {
		send(message instanceof String text ? text : json.writeValueAsString(message));
	}

	public void send(String text) {
		this.socket.sendText(text, true).join();
	}

	public void sendBinary(byte[] bytes) {
		this.socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
	}

	/** Push a text clip with a new id; returns the id. */
	public UUID push(String data) {
		UUID id = UUID.randomUUID();
		push(id, data);
		return id;
	}

	public void push(UUID id, String data) {
		send(Map.of("type", "push", "id", id.toString(), "mime", "text/plain", "data", data, "encoding", "utf8"));
	}

	/** The next message, waiting up to 10 s. */
	public JsonNode next() {
		return next(Duration.ofSeconds(10));
	}

	public JsonNode next(Duration timeout) {
		JsonNode message = poll(timeout);
		if (message == null) {
			throw new AssertionError("no message within " + timeout);
		}
		return message;
	}

	/** The next message, first of those set aside while looking for another type. */
	public JsonNode poll(Duration timeout) {
		synchronized (this.setAside) {
			if (!this.setAside.isEmpty()) {
				return this.setAside.pollFirst();
			}
		}
		return pollFresh(timeout);
	}

	private JsonNode pollFresh(Duration timeout) {
		try {
			return this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * The next message of a type; messages of other types are set aside for later polls,
	 * in their order.
	 */
	public JsonNode next(String type) {
		return collect(type, 1, Duration.ofSeconds(10)).get(0);
	}

	/**
	 * The next {@code count} messages of a type, in order; messages of other types are
	 * set aside for later polls.
	 * @throws AssertionError when fewer arrived within the timeout
	 */
	public List<JsonNode> collect(String type, int count, Duration timeout) {
		List<JsonNode> messages = new ArrayList<>();
		synchronized (this.setAside) {
			var kept = this.setAside.iterator();
			while (kept.hasNext() && messages.size() < count) {
				JsonNode message = kept.next();
				if (type.equals(message.get("type").asString())) {
					messages.add(message);
					kept.remove();
				}
			}
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (messages.size() < count && System.nanoTime() < deadline) {
			JsonNode message = pollFresh(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (message == null) {
				continue;
			}
			if (type.equals(message.get("type").asString())) {
				messages.add(message);
			}
			else {
				synchronized (this.setAside) {
					this.setAside.addLast(message);
				}
			}
		}
		if (messages.size() < count) {
			throw new AssertionError("only " + messages.size() + " of " + count + " " + type + " messages within "
					+ timeout + ": " + messages);
		}
		return messages;
	}

	/** Messages that arrive within the quiet period: to check that nothing more comes. */
	public List<JsonNode> drain(Duration quiet) {
		List<JsonNode> messages = new ArrayList<>();
		JsonNode message;
		while ((message = poll(quiet)) != null) {
			messages.add(message);
		}
		return messages;
	}

	/** The close code the server sent, waiting up to the timeout. */
	public int closeCode(Duration timeout) {
		try {
			return this.closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new AssertionError("not closed within " + timeout, ex);
		}
	}

	/**
	 * The reason the server gave in its close frame (empty without one), waiting up to
	 * the timeout for the close.
	 */
	public String closeReason(Duration timeout) {
		closeCode(timeout);
		return this.closeReason;
	}

	public boolean isClosed() {
		return this.closeCode.isDone();
	}

	@Override
	public void close() {
		if (!this.socket.isOutputClosed()) {
			try {
				this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// already going
			}
		}
		this.socket.abort();
	}

	private volatile boolean paused;

	/** Stop taking messages off the connection, as a device that cannot keep up would. */
	public void pauseReading() {
		this.paused = true;
	}

	public void resumeReading() {
		this.paused = false;
		this.socket.request(1);
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder partial = new StringBuilder();

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				SyncClient.this.received.add(json.readTree(this.partial.toString()));
				this.partial.setLength(0);
			}
			if (!SyncClient.this.paused) {
				webSocket.request(1);
			}
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			SyncClient.this.closeReason = reason;
			SyncClient.this.closeCode.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			SyncClient.this.closeCode.complete(1006);
		}

	}

}
