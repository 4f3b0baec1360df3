package dev.clipsync.auth.throttle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.web.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Throttles password checks and registrations. Every check reserves its attempt before
 * bcrypt runs and releases it only when the password was right, so failures are what
 * count, and parallel guesses cannot all slip past a check.
 * <ul>
 * <li>A login counts against its (email, client address) pair and its address: a
 * stranger's failures refuse the stranger, never the account's owner elsewhere.</li>
 * <li>Failures for one email from everywhere do not refuse anyone; past a threshold they
 * slow every further login of that email down, so a distributed guesser gets few guesses
 * per hour while the owner still gets in, a few seconds later.</li>
 * <li>A signed-in device checking its password again (password change, account deletion)
 * counts against that device only.</li>
 * </ul>
 * Emails are hashed into the keys: Redis never holds an address in clear.
 */
@Component
public class PasswordGuessing {

	private final SlidingWindowLimit limits;

	private final AuthProperties.Login settings;

	private final String keyPrefix;

	private final MeterRegistry meters;

	PasswordGuessing(StringRedisTemplate redis, RedisNames names, AuthProperties properties, MeterRegistry meters) {
		this.settings = properties.login();
		this.limits = new SlidingWindowLimit(redis, this.settings.window());
		this.keyPrefix = names.prefix() + ":throttle:";
		this.meters = meters;
	}

	/**
	 * Reserve a login attempt, refusing with 429 when this address, or this address for
	 * this email, failed too often lately; then wait as long as the email's recent
	 * failures ask.
	 * @param emailKey the normalized email
	 * @param clientAddress the client's address
	 * @return the attempt, to pass to {@link #succeeded} if the password was right
	 */
	public Attempt login(String emailKey, String clientAddress) {
		String email = sha256(emailKey);
		String address = ClientAddresses.key(clientAddress);
		Attempt attempt = reserve("password",
				List.of(new SlidingWindowLimit.Counter(key("email-addr:" + email + ":" + address),
						this.settings.failuresPerEmailAndAddress()),
						new SlidingWindowLimit.Counter(key("addr:" + address), this.settings.failuresPerAddress()),
						new SlidingWindowLimit.Counter(key("email:" + email), 0)));
		slowDown(attempt.lastCount());
		return attempt;
	}

	/**
	 * Reserve a password check by a signed-in device, refusing with 429 when that device
	 * failed too often lately. Nobody else's failures count.
	 * @param deviceId the calling device
	 * @return the attempt, to pass to {@link #succeeded} if the password was right
	 */
	public Attempt deviceCheck(UUID deviceId) {
		return reserve("device",
				List.of(new SlidingWindowLimit.Counter(key("device:" + deviceId), this.settings.failuresPerDevice())));
	}

	/**
	 * Count a registration from this address, refusing with 429 when there were too many.
	 * @param clientAddress the client's address
	 */
	public void registration(String clientAddress) {
		reserve("registration",
				List.of(new SlidingWindowLimit.Counter(key("register:" + ClientAddresses.key(clientAddress)),
						this.settings.registrationsPerAddress())));
	}

	/**
	 * The password was right (or was never checked): the attempt does not count.
	 * @param attempt the reserved attempt
	 */
	public void succeeded(Attempt attempt) {
		this.limits.release(attempt.keys(), attempt.member());
	}

	private Attempt reserve(String check, List<SlidingWindowLimit.Counter> counters) {
		String member = UUID.randomUUID().toString();
		SlidingWindowLimit.Reservation reservation = this.limits.reserve(counters, member);
		if (!reservation.reserved()) {
			this.meters.counter("clipsync.auth.throttled", "check", check).increment();
			throw ProblemException.rateLimited(reservation.retryAfter());
		}
		return new Attempt(counters.stream().map(SlidingWindowLimit.Counter::key).toList(), member,
				reservation.lastCount());
	}

	private void slowDown(long emailAttempts) {
		long over = emailAttempts - this.settings.failuresPerEmailBeforeSlowdown();
		if (over <= 0) {
			return;
		}
		Duration delay = this.settings.slowdownPerFailure().multipliedBy(over);
		if (delay.compareTo(this.settings.maxSlowdown()) > 0) {
			delay = this.settings.maxSlowdown();
		}
		this.meters.counter("clipsync.auth.slowed", "check", "password").increment();
		try {
			Thread.sleep(delay); // a virtual thread: waiting costs no platform thread
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private String key(String suffix) {
		return this.keyPrefix + suffix;
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

	/**
	 * A reserved attempt.
	 *
	 * @param keys the counters it is reserved in
	 * @param member its id in them
	 * @param lastCount attempts in the last counter's window, this one included
	 */
	public record Attempt(List<String> keys, String member, long lastCount) {
	}

}
