package dev.clipsync.gateway.session;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * Everything sent to one connection, written in order, one write at a time.
 * <p>
 * A message is either accepted, and then written before anything offered after it, or
 * refused because the connection is going away: nothing is ever dropped while the
 * connection looks alive. The queue is bounded in bytes; a connection that lets it fill
 * up, or whose current write makes no progress within the write timeout, has stopped
 * reading, and the owner closes it (see {@link #stalledFor}). Modelled on the
 * per-connection writer of centrifugal/centrifuge.
 * <p>
 * Writes are Jetty's asynchronous ones, driven by an {@link IteratingCallback} (as
 * Jetty's own frame flusher is): no thread waits for a client, and none is started per
 * burst of messages, which had cost a virtual thread start and park per delivery.
 */
final class Outbox {

	private final CoreSession socket;

	private final long maxBytes;

	private final Runnable onOverflow;

	private final Queue<Frame> messages = new ConcurrentLinkedQueue<>();

	/** Bytes offered and not yet written, the message being written included. */
	private final AtomicLong bytes = new AtomicLong();

	private final Flusher flusher = new Flusher();

	/** When the write in progress started ({@link System#nanoTime()}), 0 when none is. */
	private volatile long writeStartedAt;

	private volatile boolean shut;

	/**
	 * @param socket the connection
	 * @param maxBytes the most bytes queued before the connection counts as stalled
	 * @param onOverflow told once when an offer finds the queue full
	 */
	Outbox(CoreSession socket, long maxBytes, Runnable onOverflow) {
		this.socket = socket;
		this.maxBytes = maxBytes;
		this.onOverflow = onOverflow;
	}

	/** A text message as one frame, encoded once, here. */
	static Frame text(String text) {
		return new Frame(OpCode.TEXT, true, text);
	}

	/** A ping with no payload. */
	static Frame ping() {
		return new Frame(OpCode.PING);
	}

	/**
	 * Queue a frame behind everything offered before.
	 * @param message a {@link #text} or {@link #ping} frame
	 * @return whether it was accepted; false once the outbox is shut or full
	 */
	boolean offer(Frame message) {
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
		this.flusher.iterate();
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

	private void written(int payloadBytes) {
		this.writeStartedAt = 0;
		this.bytes.addAndGet(-payloadBytes);
		synchronized (this) {
			notifyAll();
		}
	}

	/** Writes the queue's messages one after the other while there are any. */
	private final class Flusher extends IteratingCallback {

		/**
		 * The payload size of the frame being written, taken before the write: writing
		 * consumes the frame's buffer. -1 when none is.
		 */
		private int writing = -1;

		@Override
		protected Action process() {
			if (this.writing >= 0) {
				written(this.writing);
				this.writing = -1;
			}
			Frame next = Outbox.this.shut ? null : Outbox.this.messages.poll();
			if (next == null) {
				return Action.IDLE;
			}
			this.writing = next.getPayloadLength();
			Outbox.this.writeStartedAt = System.nanoTime() | 1;
			Outbox.this.socket.sendFrame(next, this, false);
			return Action.SCHEDULED;
		}

		@Override
		protected void onCompleteFailure(Throwable cause) {
			// The connection is broken; its close is on its way.
			if (this.writing >= 0) {
				written(this.writing);
				this.writing = -1;
			}
			shut();
		}

	}

}
