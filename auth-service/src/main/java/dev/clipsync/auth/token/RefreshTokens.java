package dev.clipsync.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.auth.AuthProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Opaque refresh tokens: 256 random bits, stored only as a SHA-256 hash, exchanged
 * exactly once. Presenting an already exchanged token again means two parties hold the
 * device's session, so the whole session is revoked.
 */
@Service
public class RefreshTokens {

	private static final Logger logger = LoggerFactory.getLogger(RefreshTokens.class);

	private static final int TOKEN_BYTES = 32;

	private final RefreshTokenRepository repository;

	private final Duration lifetime;

	private final Duration sessionLifetime;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	RefreshTokens(RefreshTokenRepository repository, AuthProperties properties, Clock clock) {
		this.repository = repository;
		this.lifetime = properties.tokens().refreshTokenLifetime();
		this.sessionLifetime = properties.tokens().sessionLifetime();
		this.clock = clock;
	}

	/**
	 * A new refresh token for the device's session. Only with the device's row locked.
	 * @param deviceId the device
	 * @param generation the device session's generation
	 * @param sessionStartedAt when the login that started the session happened
	 * @return the token, to hand to the client once, and its lifetime
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Issued issue(UUID deviceId, long generation, Instant sessionStartedAt) {
		byte[] bytes = new byte[TOKEN_BYTES];
		this.random.nextBytes(bytes);
		String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		Instant now = this.clock.instant();
		Instant expiresAt = min(now.plus(this.lifetime), sessionStartedAt.plus(this.sessionLifetime));
		this.repository
			.insert(RefreshToken.create(hash(token), deviceId, generation, sessionStartedAt, now, expiresAt));
		return new Issued(token, Duration.between(now, expiresAt));
	}

	/**
	 * The device a refresh token belongs to, if it is known at all: which device to lock
	 * before {@link #exchange}.
	 * @param token the token the client presented
	 * @return the device
	 */
	@Transactional(readOnly = true)
	public Optional<UUID> deviceOf(String token) {
		return this.repository.findByTokenHash(hash(token)).map(RefreshToken::deviceId);
	}

	/**
	 * Exchange a refresh token: it is dead afterwards, whatever the outcome. Only with
	 * the device's row locked, so the token's state cannot change under the decision.
	 * @param token the token the client presented
	 * @param deviceId the device it must belong to
	 * @param generation the device session's current generation
	 * @return what the token turned out to be
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Exchange exchange(String token, UUID deviceId, long generation) {
		Optional<RefreshToken> found = this.repository.findByTokenHash(hash(token));
		Instant now = this.clock.instant();
		if (found.isEmpty() || !found.get().deviceId().equals(deviceId) || !found.get().isLive(now)
				|| found.get().generation() != generation
				|| !now.isBefore(found.get().sessionStartedAt().plus(this.sessionLifetime))) {
			// unknown, expired, revoked, of a session that has ended since, or of one
			// that reached its absolute lifetime
			return new Exchange.Invalid();
		}
		RefreshToken refreshToken = found.get();
		if (refreshToken.wasUsed() || this.repository.markUsed(refreshToken.id(), now) == 0) {
			logger.warn("Refresh token reuse detected on device {}", refreshToken.deviceId());
			return new Exchange.Reused();
		}
		return new Exchange.Exchanged(refreshToken.sessionStartedAt());
	}

	/**
	 * Revoke every refresh token of these devices.
	 * @param deviceIds the devices
	 */
	@Transactional
	public void revokeForDevices(Collection<UUID> deviceIds) {
		if (!deviceIds.isEmpty()) {
			this.repository.revokeForDevices(deviceIds, this.clock.instant());
		}
	}

	/** Expired tokens cannot be exchanged or reused; a day after expiry they go. */
	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
	@Transactional
	public void purgeExpired() {
		int purged = this.repository.deleteExpiredBefore(this.clock.instant().minus(Duration.ofDays(1)));
		if (purged > 0) {
			logger.info("Purged {} expired refresh tokens", purged);
		}
	}

	private static byte[] hash(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Instant min(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}

	/**
	 * A new refresh token.
	 *
	 * @param token the token, shown to the client once
	 * @param lifetime how long until it expires
	 */
	public record Issued(String token, Duration lifetime) {
	}

	/** The outcome of presenting a refresh token. */
	public sealed interface Exchange {

		/**
		 * The token was live and is now used; issue the device a new pair.
		 *
		 * @param sessionStartedAt when the session's login happened
		 */
		record Exchanged(Instant sessionStartedAt) implements Exchange {
		}

		/** Unknown, expired, revoked, or of an ended session. */
		record Invalid() implements Exchange {
		}

		/** Already exchanged before: two parties hold the session, which must end. */
		record Reused() implements Exchange {
		}

	}

}
