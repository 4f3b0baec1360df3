package dev.clipsync.client;

import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * Content to push.
 *
 * @param mime its mime type
 * @param encoding {@code utf8} for text, {@code base64} for bytes
 * @param data the content in that encoding, or with {@code upload} a small preview (or
 * empty)
 * @param sensitive a password or one-time code: receivers clear it soon, the server keeps
 * it briefly
 * @param upload the content uploaded as a blob, when it is pushed by reference
 */
public record Draft(String mime, String encoding, String data, boolean sensitive, @Nullable Upload upload) {

	public Draft(String mime, String encoding, String data, boolean sensitive) {
		this(mime, encoding, data, sensitive, null);
	}

	public static Draft text(String text) {
		return new Draft("text/plain", "utf8", text, false);
	}

	public static Draft bytes(String mime, byte[] bytes) {
		return new Draft(mime, "base64", Base64.getEncoder().encodeToString(bytes), false);
	}

	public Draft sensitive(boolean sensitive) {
		return new Draft(this.mime, this.encoding, this.data, sensitive, this.upload);
	}

}
