package dev.clipsync.gateway.session;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * Closes a connection with a close handshake, whatever the code: the close frame goes out
 * after the frame being written, and the connection ends when the client answers with its
 * own close (or when {@link #abort} is called).
 * <p>
 * Jetty treats every code under 3000 other than 1000 and 1005 as a failure: it writes the
 * close frame and drops the TCP connection in the same moment, without waiting for the
 * client's close. A client that sends anything just then (a pong, its own heartbeat ping)
 * is answered with a reset, and its kernel throws away whatever it had not read yet, the
 * close frame included: it sees 1006 where the gateway sent 1013 or 1012. Jetty makes
 * that choice by asking the status itself ({@code isAbnormal}), so a status that answers
 * "ordinary" gets the handshake. The frame on the wire is the same.
 */
final class CloseHandshake {

	private CloseHandshake() {
	}

	static void close(CoreSession socket, CloseStatus status) {
		socket.sendFrame(new Ordinary(status.getCode(), status.getReason()).toFrame(), Callback.NOOP, false);
	}

	/** A close status Jetty sends with a handshake. */
	private static final class Ordinary extends org.eclipse.jetty.websocket.core.CloseStatus {

		Ordinary(int code, @Nullable String reason) {
			super(code, reason);
		}

		@Override
		public boolean isAbnormal() {
			return false;
		}

	}

}
