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

	protected RefreshToken() {
		// for JPA
	}

	RefreshToken(byte[] tokenHash, UUID deviceId, Instant issuedAt, Instant expiresAt) {
		this.id = UUID.randomUUID();
		this.tokenHash = tokenHash;
		this.deviceId = deviceId;
		this.issuedAt = issuedAt;
		this.expiresAt = expiresAt;
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
