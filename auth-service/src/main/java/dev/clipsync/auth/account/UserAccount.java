package dev.clipsync.auth.account;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A row of {@code users}, as read; changes go through {@link UserAccountRepository}. A
 * class rather than a record so that only the id is public: the password hash never
 * leaves this package.
 */
public final class UserAccount {

	private final UUID id;

	private final String email;

	private final String emailKey;

	private final @Nullable String emailSkeleton;

	private final @Nullable String displayName;

	private final String passwordHash;

	private final Instant createdAt;

	private final Instant passwordChangedAt;

	UserAccount(UUID id, String email, String emailKey, @Nullable String emailSkeleton, @Nullable String displayName,
			String passwordHash, Instant createdAt, Instant passwordChangedAt) {
		this.id = id;
		this.email = email;
		this.emailKey = emailKey;
		this.emailSkeleton = emailSkeleton;
		this.displayName = displayName;
		this.passwordHash = passwordHash;
		this.createdAt = createdAt;
		this.passwordChangedAt = passwordChangedAt;
	}

	/** A new account, not stored yet. */
	static UserAccount create(String email, @Nullable String displayName, String passwordHash, Instant now) {
		return new UserAccount(UUID.randomUUID(), email, EmailAddresses.key(email), EmailAddresses.skeleton(email),
				displayName, passwordHash, now, now);
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

	@Nullable String emailSkeleton() {
		return this.emailSkeleton;
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

	Instant passwordChangedAt() {
		return this.passwordChangedAt;
	}

}
