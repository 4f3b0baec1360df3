package dev.clipsync.common.wire;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of {@link UserChannelMessage}s, the same in every service.
 */
public final class UserChannelCodec {

	private static final String CLIP_START = "{\"type\":\"" + ClipPublished.TYPE + "\",\"origin\":\"";

	private final JsonMapper json;

	public UserChannelCodec(JsonMapper json) {
		this.json = json;
	}

	/**
	 * Whether a payload is a clip published by the given instance, told without parsing
	 * it: a gateway hears its own clips back on every channel it publishes to, and
	 * decoding them only to drop them cost it about a tenth of its CPU.
	 * @param payload the published text
	 * @param origin the instance's {@link ClipPublished#origin()}
	 * @return true for the instance's own clips
	 */
	public boolean isClipFrom(String payload, String origin) {
		// The type id comes first, then the origin (ClipPublished's component order).
		return payload.startsWith(CLIP_START) && payload.startsWith(origin, CLIP_START.length())
				&& payload.startsWith("\"", CLIP_START.length() + origin.length());
	}

	public String encode(UserChannelMessage message) {
		return this.json.writeValueAsString(message);
	}

	/**
	 * Read a message published on a user channel.
	 * @param payload the published text
	 * @return the message
	 * @throws JacksonException when the payload is not a known message
	 */
	public UserChannelMessage decode(String payload) {
		return this.json.readValue(payload, UserChannelMessage.class);
	}

}
