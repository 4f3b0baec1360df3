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

	private long generation;

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
		this.generation = 1;
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

	/**
	 * The generation of the device's current session: tokens issued for an older one are
	 * refused.
	 * @return the generation, 1 for a new device
	 */
	public long generation() {
		return this.generation;
	}

	/**
	 * End the current session: every token issued so far is of an older generation now.
	 * Only with the device's row locked.
	 * @return the new generation, the oldest one still honoured
	 */
	long endSession() {
		this.generation++;
		return this.generation;
	}

	/**
	 * Move past a generation the deny list already refuses: a sign-out whose deny entry
	 * was written but whose transaction did not commit must not leave the device with
	 * tokens that are refused as soon as they are issued.
	 * @param refusedBelow the oldest generation the deny list honours
	 */
	public void catchUp(long refusedBelow) {
		if (refusedBelow > this.generation && refusedBelow != Long.MAX_VALUE) {
			this.generation = refusedBelow;
		}
	}

	void revoke(Instant now) {
		this.revokedAt = now;
	}

}
