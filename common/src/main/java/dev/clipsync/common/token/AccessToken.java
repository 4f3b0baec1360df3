package dev.clipsync.common.token;

import java.time.Instant;
import java.util.UUID;

/**
 * The verified content of an access token: who the caller is and which of their devices
 * is calling.
 *
 * @param userId the {@code sub} claim
 * @param deviceId the {@code did} claim
 * @param tokenId the {@code jti} claim
 * @param issuedAt the {@code iat} claim
 * @param expiresAt the {@code exp} claim
 */
public record AccessToken(UUID userId, UUID deviceId, String tokenId, Instant issuedAt, Instant expiresAt) {

	/** Claim that carries the device id. */
	public static final String DEVICE_CLAIM = "did";

	/** The only signature algorithm ClipSync issues and accepts. */
	public static final String ALGORITHM = "EdDSA";

}
