package dev.clipsync.gateway.session;

import java.nio.ByteBuffer;

import dev.clipsync.common.token.AccessToken;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.eclipse.jetty.websocket.core.exception.ProtocolException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's frames, on Jetty's core WebSocket API: text messages put together from
 * their frames and handed to {@link SyncHandler} one at a time, in order (the next frame
 * is read only once a message is handled); pings answered; binary messages refused.
 * <p>
 * Jetty's WebSocket API and Spring's adapter on top of it used to sit here. They bound
 * method handles for every connection (about 340 bytes of each idle connection) and were
 * two more layers for the JIT to compile while a reconnect storm came in.
 */
final class SyncFrameHandler implements FrameHandler {

	private static final Logger logger = LoggerFactory.getLogger(SyncFrameHandler.class);

	private final SyncHandler handler;

	private final AccessToken token;

	private final long resumeAfter;

	private @Nullable CoreSession socket;

	/** Null when the connection was refused at once (too many connections). */
	private @Nullable ClientSession session;

	/**
	 * A text message split over frames, while its frames arrive; null between messages.
	 */
	private @Nullable Utf8StringBuilder text;

	private long textBytes;

	SyncFrameHandler(SyncHandler handler, AccessToken token, long resumeAfter) {
		this.handler = handler;
		this.token = token;
		this.resumeAfter = resumeAfter;
	}

	@Override
	public void onOpen(CoreSession socket, Callback callback) {
		this.socket = socket;
		try {
			this.session = this.handler.opened(socket, this.token, this.resumeAfter);
		}
		catch (RuntimeException ex) {
			callback.failed(ex);
			return;
		}
		callback.succeeded();
		socket.demand();
	}

	@Override
	public void onFrame(Frame frame, Callback callback) {
		CoreSession socket = this.socket;
		ClientSession session = this.session;
		if (socket == null) {
			callback.failed(new IllegalStateException("frame before open"));
			return;
		}
		switch (frame.getOpCode()) {
			case OpCode.TEXT -> text(socket, session, frame, callback, this.text == null);
			case OpCode.CONTINUATION -> text(socket, session, frame, callback, this.text != null);
			case OpCode.PING -> socket.sendFrame(new Frame(OpCode.PONG, true, frame.getPayload()),
					Callback.from(() -> next(socket, callback), callback::failed), false);
			case OpCode.PONG -> {
				if (session != null) {
					this.handler.pong(session);
				}
				next(socket, callback);
			}
			case OpCode.BINARY -> {
				if (session != null) {
					this.handler.binary(session);
				}
				// Read on: the client's answer to the close frame comes next.
				next(socket, callback);
			}
			// Jetty answers the close itself once the frame is done with.
			case OpCode.CLOSE -> callback.succeeded();
			default -> callback.failed(new ProtocolException("unexpected frame " + OpCode.name(frame.getOpCode())));
		}
	}

	private void text(CoreSession socket, @Nullable ClientSession session, Frame frame, Callback callback,
			boolean expected) {
		if (!expected) {
			callback.failed(new ProtocolException("text frame out of sequence"));
			return;
		}
		ByteBuffer payload = frame.getPayload();
		int size = (payload != null) ? payload.remaining() : 0;
		if (this.textBytes + size > socket.getMaxTextMessageSize()) {
			callback.failed(
					new MessageTooLargeException("message larger than " + socket.getMaxTextMessageSize() + " bytes"));
			return;
		}
		Utf8StringBuilder text = (this.text != null) ? this.text : new Utf8StringBuilder();
		if (payload != null) {
			text.append(payload);
		}
		if (text.hasCodingErrors()) {
			callback.failed(new BadPayloadException("invalid UTF-8"));
			return;
		}
		if (!frame.isFin()) {
			this.text = text;
			this.textBytes += size;
			next(socket, callback);
			return;
		}
		this.text = null;
		this.textBytes = 0;
		String message;
		try {
			message = text.takeCompleteString(() -> new BadPayloadException("invalid UTF-8"));
		}
		catch (BadPayloadException ex) {
			callback.failed(ex);
			return;
		}
		if (session != null) {
			try {
				this.handler.text(session, message);
			}
			catch (RuntimeException ex) {
				logger.warn("Message on session {} not handled: {}", session.sessionId(), ex.toString());
				callback.failed(ex);
				return;
			}
		}
		next(socket, callback);
	}

	/** Done with this frame: read the next one. */
	private static void next(CoreSession socket, Callback callback) {
		callback.succeeded();
		socket.demand();
	}

	@Override
	public void onError(Throwable cause, Callback callback) {
		logger.debug("Transport error: {}", cause.toString());
		callback.succeeded();
	}

	@Override
	public void onClosed(CloseStatus status, Callback callback) {
		ClientSession session = this.session;
		this.session = null;
		this.text = null;
		if (session != null) {
			this.handler.closed(session);
		}
		callback.succeeded();
	}

}
