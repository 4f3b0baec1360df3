package dev.clipsync.client;

import java.util.List;
import java.util.UUID;

/**
 * What a sync session tells its user. Called on the session's own thread, one call at a
 * time, in order: return quickly.
 */
public interface SyncListener {

	/**
	 * A clip from another connection, each seq once and in ascending order.
	 * @param clip the clip
	 * @param replayed it was stored before this connection's resume finished (missed
	 * while away), rather than pushed live
	 */
	default void clip(Clip clip, boolean replayed) {
	}

	/** The resume after a (re)connect is complete: what follows is live. */
	default void synced(long latestSeq) {
	}

	default void presence(List<DevicePresence> devices) {
	}

	/** A push of this session is stored. */
	default void acked(Ack ack) {
	}

	/**
	 * The server refused a push for good ({@code too_large}, {@code invalid_message}); it
	 * left the outbox.
	 */
	default void rejected(UUID id, String code, String message) {
	}

	/**
	 * The server accepted a fresh access token swapped in band: the connection stays up.
	 * @param expiresAt when the swapped token expires
	 */
	default void authed(java.time.Instant expiresAt) {
	}

	/**
	 * @param state the new state
	 * @param detail why, for people
	 */
	default void state(SyncSession.State state, String detail) {
	}

}
