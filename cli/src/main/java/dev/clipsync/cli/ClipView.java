package dev.clipsync.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clipsync.client.BlobRef;
import dev.clipsync.client.Clip;
import org.jspecify.annotations.Nullable;

/**
 * A clip as {@code --json} prints it, and its one-line human form.
 *
 * @param seq the seq
 * @param id the pusher's id
 * @param from the device that pushed it
 * @param fromName that device's name, when known
 * @param mime the mime type
 * @param encoding utf8 or base64
 * @param data the content (sealed when locked)
 * @param encrypted whether it travelled end-to-end encrypted
 * @param locked encrypted, and this device cannot open it
 * @param sensitive a password or code
 * @param createdAt when it was stored
 * @param blob the content stored apart ({@code data} is then a preview), fetched with
 * {@code paste -o}
 */
record ClipView(long seq, UUID id, @Nullable UUID from, @Nullable String fromName, String mime, String encoding,
		String data, boolean encrypted, boolean locked, boolean sensitive, @Nullable Instant createdAt,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable BlobRef blob) {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
		.withZone(ZoneId.systemDefault());

	static ClipView of(Clip clip, @Nullable String fromName) {
		return new ClipView(clip.seq(), clip.id(), clip.from(), fromName, clip.mime(), clip.encoding(), clip.data(),
				clip.encrypted(), clip.locked(), clip.sensitive(), clip.createdAt(), clip.blob());
	}

	/**
	 * {@code #12  2026-11-29 16:40:01  Laptop  hello world}, long or multi-line text cut.
	 */
	String line(int width) {
		String when = (this.createdAt != null) ? TIME.format(this.createdAt) : "";
		String who = (this.fromName != null) ? this.fromName
				: (this.from != null) ? this.from.toString().substring(0, 8) : "?";
		String what;
		if (this.locked) {
			what = "[locked: end-to-end encrypted with another passphrase, or e2e is not enabled here]";
		}
		else if (this.blob != null) {
			what = "[" + this.mime + ", " + TransferBar.size(this.blob.size()) + ": clipsync paste --seq " + this.seq
					+ " -o PATH]";
		}
		else if (this.sensitive) {
			what = "[sensitive, " + this.data.length() + " chars]";
		}
		else if (this.mime.startsWith("text/")) {
			String text = "base64".equals(this.encoding) ? "[" + this.mime + "]"
					: this.data.replace("\r", "").replace('\n', '⏎');
			what = (text.length() > width) ? text.substring(0, width - 1) + "…" : text;
		}
		else {
			what = "[" + this.mime + "]";
		}
		return String.format("#%-5d %s  %-12s %s", this.seq, when, who, what);
	}

}
