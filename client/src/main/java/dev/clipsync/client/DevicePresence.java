package dev.clipsync.client;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Whether one of the account's devices is connected now.
 *
 * @param deviceId the device
 * @param name its name
 * @param platform its platform
 * @param online connected to a gateway now
 * @param connections how many connections it holds
 * @param lastSeen when it was last connected
 */
public record DevicePresence(UUID deviceId, @Nullable String name, @Nullable String platform, boolean online,
		int connections, @Nullable Instant lastSeen) {
}
