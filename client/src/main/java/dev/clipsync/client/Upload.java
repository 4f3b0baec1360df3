package dev.clipsync.client;

import java.util.UUID;

/**
 * A blob uploaded for one clip, from {@link ClipSync#upload}.
 *
 * @param clipId the id the clip must be pushed with: sealed chunks are bound to it
 * @param content the content's reference as receivers see it (size and digest of the
 * plaintext)
 * @param stored the reference the server knows (of the sealed bytes when {@code sealed})
 * @param sealed whether the chunks were end-to-end encrypted
 */
public record Upload(UUID clipId, BlobRef content, BlobRef stored, boolean sealed) {

}
