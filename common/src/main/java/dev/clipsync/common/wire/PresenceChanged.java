package dev.clipsync.common.wire;

import java.util.List;

/**
 * A device of the user went online or offline: the whole list, as clients receive it in
 * their {@code presence} message.
 *
 * @param devices every device of the user that presence knows
 */
public record PresenceChanged(List<DevicePresence> devices) implements UserChannelMessage {

	static final String TYPE = "presence";

	public PresenceChanged {
		devices = List.copyOf(devices);
	}

}
