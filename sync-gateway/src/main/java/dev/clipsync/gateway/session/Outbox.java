package dev.clipsync.gateway.session;

import java.io.IOException;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Everything sent to one connection, written in order by one writer at a time.
 * <p>
 * A message is either accepted, and then written before anything offered after it, or
 * refused because the connection is going away: nothing is ever dropped while the
 * connection looks alive. The queue is bounded in bytes; a connection that lets it fill
 * up, or whose current write makes no progress within the write timeout, has stopped
 * reading, and the owner closes it (see {@link #stalledFor}). Modelled on the
 * per-connection writer of centrifugal/centrifuge.
 */
final class Outbox {

	private final WebSocketSession socket;

	private final Executor writers;

	private final long maxBytes;

	private final Runnable onOverflow;

	private final Queue<WebSocketMessage<?>> messages = new ConcurrentLinkedQueue<>();

	/** Bytes offered and not yet written, the message being written included. */
	private final AtomicLong bytes = new AtomicLong();

	private final AtomicBoolean writing = new AtomicBoolean();

	/** When the write in progress started ({@link System#nanoTime()}), 0 when none is. */
	private volatile long writeStartedAt;

	private volatile boolean shut;

	/**
	 * @param socket the connection
	 * @param writers runs the writer (virtual threads: a write blocks until the bytes are
	 * on their way)
	 * @param maxBytes the most bytes queued before the connection counts as stalled
	 * @param onOverflow told once when an offer finds the queue full
	 */
	Outbox(WebSocketSession socket, Executor writers, long maxBytes, Runnable onOverflow) {
		this.socket = socket;
		this.writers = writers;
		this.maxBytes = maxBytes;
		this.onOverflow = onOverflow;
	}

	/**
	 * Queue a message behind everything offered before.
	 * @param message the message
	 * @return whether it was accepted; false once the outbox is shut or full
	 */
	boolean offer(WebSocketMessage<?> message) {
		if (this.shut) {
			return false;
		}
		if (this.bytes.addAndGet(message.getPayloadLength()) > this.maxBytes) {
			this.bytes.addAndGet(-message.getPayloadLength());
			shut();
			this.onOverflow.run();
			return false;
		}
		this.messages.add(message);
		startWriter();
		return true;
	}

	/**
	 * Wait until at most {@code level} bytes are queued, so that a long replay reads the
	 * database no faster than the client takes the clips.
	 * @param level the byte level to wait for
	 * @param timeout how long to wait at most
	 * @return whether the level was reached (false when shut or timed out)
	 */
	boolean awaitBelow(long level, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this) {
			while (!this.shut && this.bytes.get() > level) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				try {
					wait(Math.max(1, left / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
		return !this.shut;
	}

	/**
	 * How long the write in progress has been waiting for the client to read.
	 * @param now the current {@link System#nanoTime()}
	 * @return the time, or zero when no write is in progress
	 */
	Duration stalledFor(long now) {
		long started = this.writeStartedAt;
		return (started == 0) ? Duration.ZERO : Duration.ofNanos(now - started);
	}

	long queuedBytes() {
		return this.bytes.get();
	}

	/** Accept nothing more and forget what was not written: the connection is closing. */
	void shut() {
		this.shut = true;
		this.messages.clear();
		synchronized (this) {
			notifyAll();
		}
	}

	private void startWriter() {
		if (!this.messages.isEmpty() && this.writing.compareAndSet(false, true)) {
			this.writers.execute(this::write);
		}
	}

	private void write() {
		try {
			WebSocketMessage<?> message;
			while (!this.shut && (message = this.messages.poll()) != null) {
				this.writeStartedAt = System.nanoTime() | 1;
				IOException failure = writeOne(message);
				this.writeStartedAt = 0;
				this.bytes.addAndGet(-message.getPayloadLength());
				synchronized (this) {
					notifyAll();
				}
				if (failure != null) {
					// The connection is broken; its close is on its way.
					shut();
					return;
				}
			}
		}
		finally {
			this.writing.set(false);
			if (!this.shut) {
				startWriter(); // an offer may have come after the last poll
			}
		}
	}

	private @Nullable IOException writeOne(WebSocketMessage<?> message) {
		try {
			this.socket.sendMessage(message);
			return null;
		}
		catch (IOException ex) {
			return ex;
		}
		catch (RuntimeException ex) {
			return new IOException(ex);
		}
	}

}
