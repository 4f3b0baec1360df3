package dev.clipsync.auth.token;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One refresh token of a device's session, known only by its hash. It is exchanged once;
 * the row stays until it expires so that a second exchange is recognised as reuse.
 *
 * @param id the row
 * @param tokenHash SHA-256 of the token
 * @param deviceId the device whose session it belongs to
 * @param issuedAt when it was issued
 * @param expiresAt when it expires
 * @param usedAt when it was exchanged, if it was
 * @param revokedAt when it was revoked, if it was
 * @param generation the generation of the device's session it was issued for
 * @param sessionStartedAt when the login that started the session happened
 */
record RefreshToken(UUID id, byte[] tokenHash, UUID deviceId, Instant issuedAt, Instant expiresAt,
		@Nullable Instant usedAt, @Nullable Instant revokedAt, long generation, Instant sessionStartedAt) {

	static RefreshToken create(byte[] tokenHash, UUID deviceId, long generation, Instant sessionStartedAt,
			Instant issuedAt, Instant expiresAt) {
		return new RefreshToken(UUID.randomUUID(), tokenHash, deviceId, issuedAt, expiresAt, null, null, generation,
				sessionStartedAt);
	}

	boolean isLive(Instant now) {
		return this.revokedAt == null && now.isBefore(this.expiresAt);
	}

	boolean wasUsed() {
		return this.usedAt != null;
	}

}
