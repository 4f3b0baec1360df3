package dev.clipsync.auth.token;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * One refresh token of a device's session, known only by its hash. It is exchanged once;
 * the row stays until it expires so that a second exchange is recognised as reuse.
 */
@Entity
@Table(name = "refresh_tokens")
class RefreshToken {

	@Id
	private UUID id;

	@Column(name = "token_hash")
	private byte[] tokenHash;

	@Column(name = "device_id")
	private UUID deviceId;

	@Column(name = "issued_at")
	private Instant issuedAt;

	@Column(name = "expires_at")
	private Instant expiresAt;

	@Column(name = "used_at")
	private @Nullable Instant usedAt;

	@Column(name = "revoked_at")
	private @Nullable Instant revokedAt;

	private long generation;

	@Column(name = "session_started_at")
	private Instant sessionStartedAt;

	protected RefreshToken() {
		// for JPA
	}

	RefreshToken(byte[] tokenHash, UUID deviceId, long generation, Instant sessionStartedAt, Instant issuedAt,
			Instant expiresAt) {
		this.id = UUID.randomUUID();
		this.tokenHash = tokenHash;
		this.deviceId = deviceId;
		this.generation = generation;
		this.sessionStartedAt = sessionStartedAt;
		this.issuedAt = issuedAt;
		this.expiresAt = expiresAt;
	}

	long generation() {
		return this.generation;
	}

	Instant sessionStartedAt() {
		return this.sessionStartedAt;
	}

	UUID id() {
		return this.id;
	}

	UUID deviceId() {
		return this.deviceId;
	}

	boolean isLive(Instant now) {
		return this.revokedAt == null && now.isBefore(this.expiresAt);
	}

	boolean wasUsed() {
		return this.usedAt != null;
	}

}
