package dev.clipsync.auth.device;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * One device of a user: a laptop, a phone, a browser. Revoked devices stay, so that their
 * id can be refused with {@code device_revoked}.
 */
@Entity
@Table(name = "devices")
public class Device {

	@Id
	private UUID id;

	@Column(name = "user_id")
	private UUID userId;

	private String name;

	private String platform;

	@Column(name = "created_at")
	private Instant createdAt;

	@Column(name = "last_seen_at")
	private Instant lastSeenAt;

	@Column(name = "revoked_at")
	private @Nullable Instant revokedAt;

	protected Device() {
		// for JPA
	}

	Device(UUID userId, String name, String platform, Instant now) {
		this.id = UUID.randomUUID();
		this.userId = userId;
		this.name = name;
		this.platform = platform;
		this.createdAt = now;
		this.lastSeenAt = now;
	}

	public UUID id() {
		return this.id;
	}

	public UUID userId() {
		return this.userId;
	}

	public String name() {
		return this.name;
	}

	public String platform() {
		return this.platform;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	Instant lastSeenAt() {
		return this.lastSeenAt;
	}

	public boolean isActive() {
		return this.revokedAt == null;
	}

	public void seen(Instant now) {
		this.lastSeenAt = now;
	}

	void revoke(Instant now) {
		this.revokedAt = now;
	}

}
