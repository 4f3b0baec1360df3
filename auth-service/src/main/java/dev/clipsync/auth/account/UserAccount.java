package dev.clipsync.auth.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

@Entity
@Table(name = "users")
public class UserAccount {

	@Id
	private UUID id;

	private String email;

	@Column(name = "email_key")
	private String emailKey;

	@Column(name = "email_skeleton")
	private @Nullable String emailSkeleton;

	@Column(name = "display_name")
	private @Nullable String displayName;

	@Column(name = "password_hash")
	private String passwordHash;

	@Column(name = "created_at")
	private Instant createdAt;

	@Column(name = "password_changed_at")
	private Instant passwordChangedAt;

	protected UserAccount() {
		// for JPA
	}

	UserAccount(String email, @Nullable String displayName, String passwordHash, Instant now) {
		this.id = UUID.randomUUID();
		this.email = email;
		this.emailKey = EmailAddresses.key(email);
		this.emailSkeleton = EmailAddresses.skeleton(email);
		this.displayName = displayName;
		this.passwordHash = passwordHash;
		this.createdAt = now;
		this.passwordChangedAt = now;
	}

	public UUID id() {
		return this.id;
	}

	String email() {
		return this.email;
	}

	String emailKey() {
		return this.emailKey;
	}

	@Nullable String displayName() {
		return this.displayName;
	}

	String passwordHash() {
		return this.passwordHash;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	void changePassword(String passwordHash, Instant now) {
		this.passwordHash = passwordHash;
		this.passwordChangedAt = now;
	}

}
