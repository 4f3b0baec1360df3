package dev.clipsync.common.wire;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Whether one device of a user is online.
 *
 * @param deviceId the device
 * @param name what the user calls it
 * @param platform what it runs
 * @param online whether it has at least one open connection
 * @param connections how many connections it has open
 * @param lastSeen when it last connected or disconnected
 */
public record DevicePresence(UUID deviceId, @Nullable String name, @Nullable String platform, boolean online,
		int connections, Instant lastSeen) {

}
