package dev.clipsync.auth.account;

import java.nio.charset.StandardCharsets;

import dev.clipsync.auth.AuthProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * bcrypt hashing and checking of passwords. A check against no account (unknown email)
 * still costs one bcrypt run against a dummy hash, so a response's timing never tells
 * whether an email is registered.
 */
@Component
public class Passwords {

	private final BCryptPasswordEncoder encoder;

	private final String dummyHash;

	Passwords(AuthProperties properties) {
		this.encoder = new BCryptPasswordEncoder(properties.passwords().bcryptCost());
		this.dummyHash = this.encoder.encode("not a real password, only here to spend time");
	}

	String hash(String password) {
		return this.encoder.encode(password);
	}

	/**
	 * Whether the password matches the account's; {@code false} when there is no account,
	 * after spending the same time.
	 * @param password the candidate
	 * @param account the account, or {@code null} when the email is unknown
	 * @return whether the password is right
	 */
	public boolean matches(String password, @Nullable UserAccount account) {
		String hash = (account != null) ? account.passwordHash() : this.dummyHash;
		// bcrypt refuses input over 72 bytes; such a password can never have been set.
		boolean tooLong = password.getBytes(StandardCharsets.UTF_8).length > Password.MAX_BYTES;
		boolean matches = this.encoder.matches(tooLong ? "" : password, hash);
		return account != null && !tooLong && matches;
	}

}
