package dev.clipsync.common.token;

import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a ClipSync access token: an EdDSA-signed JWT with a known {@code kid}, the
 * expected issuer, and {@code sub}, {@code did}, {@code jti}, {@code iat}, {@code exp}
 * claims. Anything else is refused: unsigned tokens, HMAC or RSA signatures (even with
 * the public key as the HMAC secret), unknown keys, expired or not-yet-valid tokens.
 */
public final class AccessTokenVerifier {

	private final JwtParser parser;

	private final Clock clock;

	private final Duration clockSkew;

	public AccessTokenVerifier(PublicKeySource keys, String issuer, Clock clock, Duration clockSkew) {
		this.clock = clock;
		this.clockSkew = clockSkew;
		this.parser = Jwts.parser()
			.sig()
			.clear()
			.add(Jwts.SIG.EdDSA)
			.and()
			.keyLocator(new EdDsaKeyLocator(keys))
			.requireIssuer(issuer)
			.clock(() -> Date.from(clock.instant()))
			.clockSkewSeconds(clockSkew.toSeconds())
			.build();
	}

	/**
	 * Verify a compact JWS and return its claims.
	 * @param compact the token as sent by the client
	 * @return the verified token
	 * @throws InvalidTokenException when the token must not be honoured
	 */
	public AccessToken verify(String compact) {
		Claims claims;
		try {
			claims = this.parser.parseSignedClaims(compact).getPayload();
		}
		catch (JwtException | IllegalArgumentException ex) {
			throw new InvalidTokenException("token refused: " + ex.getClass().getSimpleName(), ex);
		}
		Date issuedAt = required(claims.getIssuedAt(), "iat");
		Date expiresAt = required(claims.getExpiration(), "exp");
		if (issuedAt.toInstant().isAfter(this.clock.instant().plus(this.clockSkew))) {
			throw new InvalidTokenException("token issued in the future");
		}
		return new AccessToken(uuid(claims.getSubject(), "sub"),
				uuid(claims.get(AccessToken.DEVICE_CLAIM, String.class), AccessToken.DEVICE_CLAIM),
				required(claims.getId(), "jti"), issuedAt.toInstant(), expiresAt.toInstant(),
				optionalText(claims, AccessToken.DEVICE_NAME_CLAIM),
				optionalText(claims, AccessToken.DEVICE_PLATFORM_CLAIM), generation(claims));
	}

	private static long generation(Claims claims) {
		Object value = claims.get(AccessToken.GENERATION_CLAIM);
		if (value == null) {
			return 0;
		}
		if (value instanceof Long || value instanceof Integer) {
			return ((Number) value).longValue();
		}
		throw new InvalidTokenException("claim " + AccessToken.GENERATION_CLAIM + " is not an integer");
	}

	private static @Nullable String optionalText(Claims claims, String claim) {
		Object value = claims.get(claim);
		return (value instanceof String text) ? text : null;
	}

	private static <T> T required(T value, String claim) {
		if (value == null) {
			throw new InvalidTokenException("token lacks the " + claim + " claim");
		}
		return value;
	}

	private static UUID uuid(String value, String claim) {
		try {
			return UUID.fromString(required(value, claim));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidTokenException("claim " + claim + " is not a UUID", ex);
		}
	}

	private static final class EdDsaKeyLocator extends LocatorAdapter<Key> {

		private final PublicKeySource keys;

		EdDsaKeyLocator(PublicKeySource keys) {
			this.keys = keys;
		}

		@Override
		protected Key locate(JwsHeader header) {
			// Checked before any key is chosen, so a token can never pick its own
			// algorithm.
			if (!AccessToken.ALGORITHM.equals(header.getAlgorithm())) {
				throw new InvalidTokenException("unexpected algorithm " + header.getAlgorithm());
			}
			String keyId = header.getKeyId();
			if (keyId == null || keyId.isBlank()) {
				throw new InvalidTokenException("token has no kid");
			}
			PublicKey key = this.keys.find(keyId)
				.orElseThrow(() -> new InvalidTokenException("no published key with kid " + keyId));
			return key;
		}

	}

}
