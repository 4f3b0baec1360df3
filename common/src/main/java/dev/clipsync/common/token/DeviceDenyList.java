package dev.clipsync.common.token;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Short-lived Redis entries that end a signed-out device's access tokens before they
 * expire. Access tokens are verified without asking auth-service, so when a device is
 * revoked, a password changes or an account is deleted, auth-service records the moment
 * here and every service refuses that device's tokens issued at or before that second. An
 * entry only has to outlive the longest access token, so it expires by itself.
 */
public final class DeviceDenyList {

	private final StringRedisTemplate redis;

	private final RedisNames names;

	public DeviceDenyList(StringRedisTemplate redis, RedisNames names) {
		this.redis = redis;
		this.names = names;
	}

	/**
	 * Refuse the device's tokens issued at or before {@code signedOutAt}.
	 * @param userId the device's owner
	 * @param deviceId the device
	 * @param signedOutAt when it was signed out
	 * @param keepFor how long to keep the entry: at least the access token lifetime
	 */
	public void deny(UUID userId, UUID deviceId, Instant signedOutAt, Duration keepFor) {
		this.redis.opsForValue()
			.set(this.names.deviceDenyEntry(userId, deviceId), Long.toString(signedOutAt.getEpochSecond()), keepFor);
	}

	/**
	 * Whether the token's device was signed out after the token was issued. Tokens carry
	 * {@code iat} in whole seconds, so a token issued in the same second as the sign-out
	 * is refused too; its device just refreshes.
	 * @param token a token whose signature has been verified
	 * @return {@code true} when the token must be refused
	 */
	public boolean isDenied(AccessToken token) {
		OptionalLong signedOutAt = signedOutAt(token.userId(), token.deviceId());
		return signedOutAt.isPresent() && token.issuedAt().getEpochSecond() <= signedOutAt.getAsLong();
	}

	/**
	 * The second at which the device was last signed out, while that still matters. A
	 * token issued for the device must carry a later {@code iat} to be honoured.
	 * @param userId the device's owner
	 * @param deviceId the device
	 * @return the epoch second, or empty when no deny entry is live
	 */
	public OptionalLong signedOutAt(UUID userId, UUID deviceId) {
		String signedOutAt = this.redis.opsForValue().get(this.names.deviceDenyEntry(userId, deviceId));
		return (signedOutAt != null) ? OptionalLong.of(Long.parseLong(signedOutAt)) : OptionalLong.empty();
	}

}
