package dev.clipsync.presence.tracker;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Revoked devices and deleted accounts leave the presence lists: what to do with each
 * entry of auth-service's durable account event stream (read as consumer group
 * {@code presence}).
 */
class AccountEvents implements Consumer<Map<String, String>> {

	private final PresenceTracker tracker;

	AccountEvents(PresenceTracker tracker) {
		this.tracker = tracker;
	}

	@Override
	public void accept(Map<String, String> event) {
		String type = String.valueOf(event.get("type"));
		if ("device_revoked".equals(type)) {
			this.tracker.forgetDevice(UUID.fromString(event.get("userId")), UUID.fromString(event.get("deviceId")));
		}
		else if ("account_deleted".equals(type)) {
			this.tracker.forgetUser(UUID.fromString(event.get("userId")));
		}
	}

}
