package dev.clipsync.client;

import java.util.Base64;

/**
 * Content to push.
 *
 * @param mime its mime type
 * @param encoding {@code utf8} for text, {@code base64} for bytes
 * @param data the content in that encoding
 * @param sensitive a password or one-time code: receivers clear it soon, the server keeps
 * it briefly
 */
public record Draft(String mime, String encoding, String data, boolean sensitive) {

	public static Draft text(String text) {
		return new Draft("text/plain", "utf8", text, false);
	}

	public static Draft bytes(String mime, byte[] bytes) {
		return new Draft(mime, "base64", Base64.getEncoder().encodeToString(bytes), false);
	}

	public Draft sensitive(boolean sensitive) {
		return new Draft(this.mime, this.encoding, this.data, sensitive);
	}

}
