package dev.clipsync.common.wire;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A clip was stored (committed) and every other connection of the user should get it. The
 * {@code session} is the pushing connection, which gets an ack instead.
 *
 * @param origin the instance that stored it, which delivered it to its own connections
 * already and skips this copy unread ({@link UserChannelCodec#isClipFrom})
 * @param seq the clip's per-user sequence number
 * @param id the client's idempotency key
 * @param from the pushing device
 * @param session the pushing connection
 * @param mime the clip's media type
 * @param data the content, as pushed
 * @param encoding {@code utf8} or {@code base64}
 * @param encrypted whether {@code data} is ciphertext
 * @param sensitive whether it is a secret kept only briefly
 * @param blob the content stored apart, if any
 * @param createdAt when it was stored
 */
public record ClipPublished(String origin, long seq, UUID id, UUID from, UUID session, String mime, String data,
		String encoding, boolean encrypted, boolean sensitive, @Nullable BlobRef blob,
		Instant createdAt) implements UserChannelMessage {

	static final String TYPE = "clip";

}
