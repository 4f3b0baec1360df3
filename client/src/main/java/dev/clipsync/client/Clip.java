package dev.clipsync.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A stored clip as this device sees it: decrypted when it was end-to-end encrypted and
 * the key fits, else {@link #locked()} with the sealed data untouched.
 *
 * @param seq the user's sequence number
 * @param id the pusher's id for it
 * @param from the device that pushed it
 * @param mime its mime type
 * @param encoding {@code utf8} or {@code base64}
 * @param data the content in that encoding
 * @param encrypted whether it travelled end-to-end encrypted
 * @param locked encrypted and this device cannot open it (no key, or another passphrase)
 * @param sensitive a password or one-time code: to be cleared from the clipboard soon
 * @param createdAt when the server stored it
 * @param blob the content stored apart, fetched with {@link ClipSync#download};
 * {@code data} then holds at most a preview (an image's PNG thumbnail) or nothing
 */
public record Clip(long seq, UUID id, @Nullable UUID from, String mime, String encoding, String data, boolean encrypted,
		boolean locked, boolean sensitive, @Nullable Instant createdAt, @Nullable BlobRef blob) {

	public Clip(long seq, UUID id, @Nullable UUID from, String mime, String encoding, String data, boolean encrypted,
			boolean locked, boolean sensitive, @Nullable Instant createdAt) {
		this(seq, id, from, mime, encoding, data, encrypted, locked, sensitive, createdAt, null);
	}

	/**
	 * @return the content as bytes (for a blob clip, its preview)
	 */
	public byte[] bytes() {
		return "base64".equals(this.encoding) ? Base64.getDecoder().decode(this.data)
				: this.data.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * @return whether it is text a clipboard can take as a string
	 */
	public boolean isText() {
		return !this.locked && this.blob == null && this.mime.startsWith("text/");
	}

	/**
	 * @return the content as text (UTF-8)
	 */
	public String text() {
		return "base64".equals(this.encoding) ? new String(bytes(), StandardCharsets.UTF_8) : this.data;
	}

}
