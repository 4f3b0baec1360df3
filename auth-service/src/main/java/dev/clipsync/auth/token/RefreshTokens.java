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
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.auth.AuthProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
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

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	RefreshTokens(RefreshTokenRepository repository, AuthProperties properties, Clock clock) {
		this.repository = repository;
		this.lifetime = properties.tokens().refreshTokenLifetime();
		this.clock = clock;
	}

	public Duration lifetime() {
		return this.lifetime;
	}

	/**
	 * A new refresh token for the device's session.
	 * @param deviceId the device
	 * @return the token, to hand to the client once
	 */
	@Transactional
	public String issue(UUID deviceId) {
		byte[] bytes = new byte[TOKEN_BYTES];
		this.random.nextBytes(bytes);
		String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		Instant now = this.clock.instant();
		this.repository.save(new RefreshToken(hash(token), deviceId, now, now.plus(this.lifetime)));
		return token;
	}

	/**
	 * Exchange a refresh token: it is dead afterwards, whatever the outcome.
	 * @param token the token the client presented
	 * @return what the token turned out to be
	 */
	@Transactional
	public Exchange exchange(String token) {
		Optional<RefreshToken> found = this.repository.findByTokenHash(hash(token));
		Instant now = this.clock.instant();
		if (found.isEmpty() || !found.get().isLive(now)) {
			return new Exchange.Invalid();
		}
		RefreshToken refreshToken = found.get();
		if (refreshToken.wasUsed() || this.repository.markUsed(refreshToken.id(), now) == 0) {
			this.repository.revokeForDevices(List.of(refreshToken.deviceId()), now);
			logger.warn("Refresh token reuse detected; revoked the session of device {}", refreshToken.deviceId());
			return new Exchange.Reused(refreshToken.deviceId());
		}
		return new Exchange.Exchanged(refreshToken.deviceId());
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

	/** The outcome of presenting a refresh token. */
	public sealed interface Exchange {

		/** The token was live and is now used; issue the device a new pair. */
		record Exchanged(UUID deviceId) implements Exchange {
		}

		/** Unknown, expired or revoked. */
		record Invalid() implements Exchange {
		}

		/** Already exchanged before: the device's session is now revoked. */
		record Reused(UUID deviceId) implements Exchange {
		}

	}

}
