package dev.clipsync.common.token;

import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
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
 * <p>
 * It may remember the tokens it verified ({@link VerifiedTokens}): a reconnect storm of
 * devices presenting the tokens they connected with is then not one Ed25519 verification
 * per connection again.
 */
public final class AccessTokenVerifier {

	private final JwtParser parser;

	private final PublicKeySource keys;

	private final Clock clock;

	private final Duration clockSkew;

	private final @Nullable VerifiedTokens verified;

	public AccessTokenVerifier(PublicKeySource keys, String issuer, Clock clock, Duration clockSkew) {
		this(keys, issuer, clock, clockSkew, 0);
	}

	/**
	 * @param keys where the keys are found
	 * @param issuer the {@code iss} tokens must carry
	 * @param clock the clock
	 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
	 * @param cachedTokens how many verified tokens to remember until they expire, so the
	 * same token presented again is not verified again; 0 for none
	 */
	public AccessTokenVerifier(PublicKeySource keys, String issuer, Clock clock, Duration clockSkew, int cachedTokens) {
		this.keys = keys;
		this.clock = clock;
		this.clockSkew = clockSkew;
		this.verified = (cachedTokens > 0) ? new VerifiedTokens(cachedTokens) : null;
		this.parser = Jwts.parser()
			.sig()
			.clear()
			.add(new BouncyCastleEd25519())
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
		VerifiedTokens cache = this.verified;
		if (cache == null) {
			return parse(compact).token();
		}
		Instant now = this.clock.instant();
		VerifiedTokens.Digest digest = VerifiedTokens.Digest.of(compact);
		VerifiedTokens.Verified known = cache.find(digest, now);
		if (known != null) {
			// Honoured only while its key is still published: a key withdrawn in an
			// emergency ends the cached tokens it signed as it ends the others.
			if (this.keys.find(known.keyId()).filter(known.key()::equals).isPresent()) {
				return known.token();
			}
			cache.forget(digest);
		}
		Parsed checked = parse(compact);
		this.keys.find(checked.keyId())
			.ifPresent((key) -> cache.remember(digest, new VerifiedTokens.Verified(checked.token(), checked.keyId(),
					key, checked.token().expiresAt().plus(this.clockSkew).toEpochMilli()), now));
		return checked.token();
	}

	private Parsed parse(String compact) {
		Jws<Claims> jws;
		try {
			jws = this.parser.parseSignedClaims(compact);
		}
		catch (JwtException | IllegalArgumentException ex) {
			throw new InvalidTokenException("token refused: " + ex.getClass().getSimpleName(), ex);
		}
		Claims claims = jws.getPayload();
		Date issuedAt = required(claims.getIssuedAt(), "iat");
		Date expiresAt = required(claims.getExpiration(), "exp");
		if (issuedAt.toInstant().isAfter(this.clock.instant().plus(this.clockSkew))) {
			throw new InvalidTokenException("token issued in the future");
		}
		AccessToken token = new AccessToken(uuid(claims.getSubject(), "sub"),
				uuid(claims.get(AccessToken.DEVICE_CLAIM, String.class), AccessToken.DEVICE_CLAIM),
				required(claims.getId(), "jti"), issuedAt.toInstant(), expiresAt.toInstant(),
				optionalText(claims, AccessToken.DEVICE_NAME_CLAIM),
				optionalText(claims, AccessToken.DEVICE_PLATFORM_CLAIM), generation(claims));
		// The key locator made sure the token names a key id; interned, since every
		// cached token of a key keeps it.
		return new Parsed(token, jws.getHeader().getKeyId().intern());
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

	private record Parsed(AccessToken token, String keyId) {
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
