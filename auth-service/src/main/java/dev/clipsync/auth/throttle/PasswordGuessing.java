package dev.clipsync.auth.throttle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.web.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Throttles password checks (login, password change, account deletion) by failures per
 * email and per client address, and registrations per client address. Only failures count
 * against logins, so a household behind one address can sign in all its devices. Emails
 * are hashed into the keys: Redis never holds an address in clear.
 */
@Component
public class PasswordGuessing {

	private final SlidingWindowLimit failuresPerEmail;

	private final SlidingWindowLimit failuresPerAddress;

	private final SlidingWindowLimit registrationsPerAddress;

	private final String keyPrefix;

	private final MeterRegistry meters;

	PasswordGuessing(StringRedisTemplate redis, RedisNames names, AuthProperties properties, MeterRegistry meters) {
		AuthProperties.Login login = properties.login();
		this.failuresPerEmail = new SlidingWindowLimit(redis, login.window(), login.failuresPerEmail());
		this.failuresPerAddress = new SlidingWindowLimit(redis, login.window(), login.failuresPerAddress());
		this.registrationsPerAddress = new SlidingWindowLimit(redis, login.window(), login.registrationsPerAddress());
		this.keyPrefix = names.prefix() + ":throttle:";
		this.meters = meters;
	}

	/**
	 * Refuse with 429 when this email or address has failed too often lately.
	 * @param emailKey the normalized email
	 * @param clientAddress the client's address
	 */
	public void checkAllowed(String emailKey, String clientAddress) {
		Duration wait = longest(this.failuresPerEmail.waitBeforeNext(emailKey(emailKey)),
				this.failuresPerAddress.waitBeforeNext(addressKey(clientAddress)));
		if (!wait.isZero()) {
			this.meters.counter("clipsync.auth.throttled", "check", "password").increment();
			throw ProblemException.rateLimited(wait);
		}
	}

	public void recordFailure(String emailKey, String clientAddress) {
		this.failuresPerEmail.record(emailKey(emailKey));
		this.failuresPerAddress.record(addressKey(clientAddress));
	}

	/**
	 * Count a registration from this address, refusing with 429 when there were too many.
	 * @param clientAddress the client's address
	 */
	public void registration(String clientAddress) {
		String key = this.keyPrefix + "register:" + clientAddress;
		Duration wait = this.registrationsPerAddress.waitBeforeNext(key);
		if (!wait.isZero()) {
			this.meters.counter("clipsync.auth.throttled", "check", "registration").increment();
			throw ProblemException.rateLimited(wait);
		}
		this.registrationsPerAddress.record(key);
	}

	private String emailKey(String emailKey) {
		return this.keyPrefix + "email:" + sha256(emailKey);
	}

	private String addressKey(String clientAddress) {
		return this.keyPrefix + "addr:" + clientAddress;
	}

	private static Duration longest(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	private static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
