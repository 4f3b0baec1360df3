package dev.clipsync.auth.device;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One device of a user: a laptop, a phone, a browser. Revoked devices stay, so that their
 * id can be refused with {@code device_revoked}. A row of {@code devices} as read;
 * changes go through {@link DeviceRegistry}.
 *
 * @param id the device
 * @param userId its owner
 * @param name what the user calls it
 * @param platform what it runs
 * @param createdAt when it first logged in
 * @param lastSeenAt when it last logged in or refreshed
 * @param revokedAt when it was revoked, if it was
 * @param generation the generation of the device's current session: tokens issued for an
 * older one are refused; 1 for a new device
 */
public record Device(UUID id, UUID userId, String name, String platform, Instant createdAt, Instant lastSeenAt,
		@Nullable Instant revokedAt, long generation) {

	static Device create(UUID userId, String name, String platform, Instant now) {
		return new Device(UUID.randomUUID(), userId, name, platform, now, now, null, 1);
	}

	public boolean isActive() {
		return this.revokedAt == null;
	}

	Device withGeneration(long generation) {
		return new Device(this.id, this.userId, this.name, this.platform, this.createdAt, this.lastSeenAt,
				this.revokedAt, generation);
	}

}
