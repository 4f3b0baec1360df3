package dev.clipsync.common.wire;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of {@link UserChannelMessage}s, the same in every service.
 */
public final class UserChannelCodec {

	private final JsonMapper json;

	public UserChannelCodec(JsonMapper json) {
		this.json = json;
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
