package dev.clipsync.client;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A signed-in device of the account.
 *
 * @param deviceId its id
 * @param name its name
 * @param platform its platform
 * @param createdAt when it first signed in
 * @param lastSeenAt when it last used a token
 * @param current whether it is the device asking
 */
public record Device(UUID deviceId, String name, String platform, @Nullable Instant createdAt,
		@Nullable Instant lastSeenAt, boolean current) {
}
