package dev.clipsync.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.OptionalLong;
import java.util.UUID;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.DeviceDenyList;
import io.jsonwebtoken.Jwts;

import org.springframework.stereotype.Component;

/**
 * Signs access tokens: EdDSA JWTs with the active key's {@code kid} and the claims every
 * ClipSync service verifies.
 */
@Component
public class AccessTokenIssuer {

	private final SigningKeys keys;

	private final DeviceDenyList denyList;

	private final String issuer;

	private final Duration lifetime;

	private final Clock clock;

	AccessTokenIssuer(SigningKeys keys, DeviceDenyList denyList, AuthProperties properties, Clock clock) {
		this.keys = keys;
		this.denyList = denyList;
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
	 * @param devicePlatform what the device runs
	 * @return the compact JWS
	 */
	public String issue(UUID userId, UUID deviceId, String deviceName, String devicePlatform) {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		// iat has whole seconds, and a deny entry refuses every token issued up to its
		// second,
		// so a device logging in again in the second it was signed out gets the next
		// second.
		OptionalLong signedOutAt = this.denyList.signedOutAt(userId, deviceId);
		if (signedOutAt.isPresent() && now.getEpochSecond() <= signedOutAt.getAsLong()) {
			now = Instant.ofEpochSecond(signedOutAt.getAsLong() + 1);
		}
		return Jwts.builder()
			.header()
			.keyId(this.keys.activeKeyId())
			.and()
			.issuer(this.issuer)
			.subject(userId.toString())
			.claim(AccessToken.DEVICE_CLAIM, deviceId.toString())
			.claim(AccessToken.DEVICE_NAME_CLAIM, deviceName)
			.claim(AccessToken.DEVICE_PLATFORM_CLAIM, devicePlatform)
			.issuedAt(Date.from(now))
			.expiration(Date.from(now.plus(this.lifetime)))
			.id(UUID.randomUUID().toString())
			.signWith(this.keys.activeKey(), Jwts.SIG.EdDSA)
			.compact();
	}

	public Duration lifetime() {
		return this.lifetime;
	}

}
