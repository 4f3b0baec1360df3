package dev.clipsync.gateway.session;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clipsync.common.wire.DevicePresence;
import dev.clipsync.common.wire.BlobRef;
import dev.clipsync.gateway.clips.Clip;
import org.jspecify.annotations.Nullable;

/**
 * What the server sends on a sync connection. Each record's first component is its
 * {@code type}.
 */
final class ServerMessages {

	private ServerMessages() {
	}

	record Welcome(String type, int protocol, UUID userId, UUID deviceId, UUID sessionId, long latestSeq,
			long heartbeatSeconds, long maxClipBytes) {

		Welcome(UUID userId, UUID deviceId, UUID sessionId, long latestSeq, long heartbeatSeconds, long maxClipBytes) {
			this("welcome", 1, userId, deviceId, sessionId, latestSeq, heartbeatSeconds, maxClipBytes);
		}

	}

	record Ack(String type, UUID id, long seq, boolean duplicate) {

		Ack(UUID id, long seq, boolean duplicate) {
			this("ack", id, seq, duplicate);
		}

	}

	record ClipMessage(String type, long seq, UUID id, UUID from, String mime, String data, String encoding,
			boolean encrypted, boolean sensitive, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable BlobRef blob,
			Instant createdAt) {

		static ClipMessage of(Clip clip) {
			return new ClipMessage("clip", clip.seq(), clip.id(), clip.from(), clip.mime(), clip.data(),
					clip.encoding(), clip.encrypted(), clip.sensitive(), clip.blob(), clip.createdAt());
		}

	}

	record Synced(String type, long latestSeq) {

		Synced(long latestSeq) {
			this("synced", latestSeq);
		}

	}

	record Presence(String type, List<DevicePresence> devices) {

		Presence(List<DevicePresence> devices) {
			this("presence", devices);
		}

	}

	record Pong(String type) {

		static final Pong INSTANCE = new Pong("pong");

	}

	record Authed(String type, Instant expiresAt) {

		Authed(Instant expiresAt) {
			this("authed", expiresAt);
		}

	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Error(String type, String code, String message, @Nullable UUID id) {

		Error(String code, String message, @Nullable UUID id) {
			this("error", code, message, id);
		}

	}

}
