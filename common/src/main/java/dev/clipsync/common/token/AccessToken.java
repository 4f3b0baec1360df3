package dev.clipsync.common.token;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The verified content of an access token: who the caller is and which of their devices
 * is calling.
 *
 * @param userId the {@code sub} claim
 * @param deviceId the {@code did} claim
 * @param tokenId the {@code jti} claim
 * @param issuedAt the {@code iat} claim
 * @param expiresAt the {@code exp} claim
 * @param deviceName the {@code dname} claim: what the user calls the device
 * @param devicePlatform the {@code dplat} claim: what the device runs
 * @param generation the {@code gen} claim: the device session's generation it was issued
 * for; 0 when absent, which any sign-out of the device refuses
 */
public record AccessToken(UUID userId, UUID deviceId, String tokenId, Instant issuedAt, Instant expiresAt,
		@Nullable String deviceName, @Nullable String devicePlatform, long generation) {

	/** Claim that carries the device id. */
	public static final String DEVICE_CLAIM = "did";

	/** Claim that carries the device's name, so services need not ask auth-service. */
	public static final String DEVICE_NAME_CLAIM = "dname";

	/** Claim that carries the device's platform. */
	public static final String DEVICE_PLATFORM_CLAIM = "dplat";

	/** Claim that carries the generation of the device's session. */
	public static final String GENERATION_CLAIM = "gen";

	/** The only signature algorithm ClipSync issues and accepts. */
	public static final String ALGORITHM = "EdDSA";

}
