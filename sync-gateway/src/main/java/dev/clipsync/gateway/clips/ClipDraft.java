package dev.clipsync.gateway.clips;

import java.util.Base64;
import java.util.UUID;

import dev.clipsync.common.wire.BlobRef;
import org.jspecify.annotations.Nullable;

/**
 * A clip as a client pushes it (over WebSocket or REST), checked against the rules before
 * it is stored.
 *
 * @param id the client's idempotency key
 * @param mime the media type, {@code type/subtype}
 * @param data the content
 * @param encoding {@code utf8} or {@code base64}
 * @param encrypted whether {@code data} is ciphertext to store and relay untouched
 * @param sensitive whether it is a secret to keep only briefly
 * @param blob the content uploaded apart, if any; {@code data} then holds at most a
 * preview
 */
public record ClipDraft(UUID id, String mime, String data, String encoding, boolean encrypted, boolean sensitive,
		@Nullable BlobRef blob) {

	public static final String UTF8 = "utf8";

	public static final String BASE64 = "base64";

	private static final int MAX_MIME_LENGTH = 255;

	/**
	 * What is wrong with this draft, if anything.
	 * @param maxBytes the largest clip allowed, in decoded bytes
	 * @return {@code null} when the draft is fine
	 */
	public @Nullable Refusal check(long maxBytes) {
		if (this.mime.isBlank() || this.mime.length() > MAX_MIME_LENGTH || this.mime.indexOf('/') <= 0
				|| this.mime.chars().anyMatch((c) -> c <= ' ' || c >= 127)) {
			return new Refusal("invalid_message", "mime must be a media type such as text/plain");
		}
		long size;
		if (UTF8.equals(this.encoding)) {
			if (this.data.indexOf('\u0000') >= 0) {
				return new Refusal("invalid_message", "utf8 data must not contain NUL characters; use base64");
			}
			size = utf8Length(this.data);
			if (size < 0) {
				return new Refusal("invalid_message", "utf8 data must be valid Unicode (no lone surrogates)");
			}
		}
		else if (BASE64.equals(this.encoding)) {
			if (this.data.length() / 4 * 3 > maxBytes + 3) {
				return new Refusal("too_large", "clip is larger than " + maxBytes + " bytes");
			}
			try {
				size = Base64.getDecoder().decode(this.data).length;
			}
			catch (IllegalArgumentException ex) {
				return new Refusal("invalid_message", "data is not valid base64");
			}
		}
		else {
			return new Refusal("invalid_message", "encoding must be utf8 or base64");
		}
		if (size > maxBytes) {
			return new Refusal("too_large", "clip is larger than " + maxBytes + " bytes");
		}
		return null;
	}

	private static long utf8Length(String text) {
		// Counting avoids encoding a megabyte just to measure it; lone surrogates count
		// as the replacement character they would become.
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes += 1;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return -1;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

	/**
	 * Why a draft is refused.
	 *
	 * @param code the error code for the client
	 * @param message for people
	 */
	public record Refusal(String code, String message) {
	}

}
