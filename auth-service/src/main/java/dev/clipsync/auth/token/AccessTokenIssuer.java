package dev.clipsync.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.BouncyCastleEd25519;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SignatureAlgorithm;

import org.springframework.stereotype.Component;

/**
 * Signs access tokens: EdDSA JWTs with the active key's {@code kid} and the claims every
 * ClipSync service verifies.
 */
@Component
public class AccessTokenIssuer {

	/**
	 * Ed25519 by Bouncy Castle: the same tokens, about 50 µs each against the JDK's
	 * 450-550 µs.
	 */
	private static final SignatureAlgorithm SIGNATURES = new BouncyCastleEd25519();

	private final SigningKeys keys;

	private final String issuer;

	private final Duration lifetime;

	private final Clock clock;

	AccessTokenIssuer(SigningKeys keys, AuthProperties properties, Clock clock) {
		this.keys = keys;
		this.issuer = properties.tokens().issuer();
		this.lifetime = properties.tokens().accessTokenLifetime();
		this.clock = clock;
	}

	/**
	 * A new access token for one device of a user.
	 * @param userId the user
	 * @param deviceId the device
	 * @param deviceName what the user calls the device, carried so other services can
	 * show it
	 * @param devicePlatform what it runs
	 * @param generation the device session's generation, which the deny list compares
	 * @return the compact JWS
	 */
	public String issue(UUID userId, UUID deviceId, String deviceName, String devicePlatform, long generation) {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		return Jwts.builder()
			.header()
			.keyId(this.keys.activeKeyId())
			.and()
			.issuer(this.issuer)
			.subject(userId.toString())
			.claim(AccessToken.DEVICE_CLAIM, deviceId.toString())
			.claim(AccessToken.DEVICE_NAME_CLAIM, deviceName)
			.claim(AccessToken.DEVICE_PLATFORM_CLAIM, devicePlatform)
			.claim(AccessToken.GENERATION_CLAIM, generation)
			.issuedAt(Date.from(now))
			.expiration(Date.from(now.plus(this.lifetime)))
			.id(UUID.randomUUID().toString())
			.signWith(this.keys.activeKey(), SIGNATURES)
			.compact();
	}

	public Duration lifetime() {
		return this.lifetime;
	}

}
