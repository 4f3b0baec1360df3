package dev.clipsync.gateway.session;

import dev.clipsync.gateway.clips.Clip;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A clip heard live, with its {@code clip} message encoded once for every session of the
 * gateway that passes it on, instead of once per receiver.
 */
final class LiveClip {

	private final Clip clip;

	private final @Nullable JsonMapper json;

	private volatile @Nullable String text;

	LiveClip(Clip clip, @Nullable JsonMapper json) {
		this.clip = clip;
		this.json = json;
	}

	Clip clip() {
		return this.clip;
	}

	/** The {@code clip} message, encoded on first use. */
	String text() {
		String encoded = this.text;
		if (encoded == null) {
			// Two sessions may both encode it at first; the result is the same.
			encoded = this.json.writeValueAsString(ServerMessages.ClipMessage.of(this.clip));
			this.text = encoded;
		}
		return encoded;
	}

}
