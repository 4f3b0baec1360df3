package dev.clipsync.gateway.clips;

import dev.clipsync.common.wire.BlobRef;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored clip.
 *
 * @param seq its per-user sequence number
 * @param id the pushing client's idempotency key
 * @param from the pushing device
 * @param session the pushing connection ({@code null}-free: REST pushes get one of their
 * own)
 * @param mime the media type
 * @param data the content, exactly as pushed
 * @param encoding {@code utf8} or {@code base64}
 * @param encrypted whether {@code data} is ciphertext
 * @param sensitive whether it is a secret kept only briefly (a password, a one-time code)
 * @param blob the content stored apart, if any ({@code data} then holds at most a
 * preview)
 * @param createdAt when it was stored
 */
public record Clip(long seq, UUID id, UUID from, UUID session, String mime, String data, String encoding,
		boolean encrypted, boolean sensitive, @Nullable BlobRef blob, Instant createdAt) {

}
