package dev.clipsync.auth.session;

import java.util.UUID;

/**
 * What login and refresh answer: a short-lived access token and the refresh token that
 * gets the next one.
 *
 * @param accessToken the EdDSA JWT to send as {@code Authorization: Bearer}
 * @param tokenType always {@code Bearer}
 * @param expiresIn seconds until the access token expires
 * @param refreshToken the opaque token for {@code /v1/auth/refresh}, usable once
 * @param refreshExpiresIn seconds until the refresh token expires
 * @param userId the user
 * @param deviceId the device this session belongs to
 */
record TokenPair(String accessToken, String tokenType, long expiresIn, String refreshToken, long refreshExpiresIn,
		UUID userId, UUID deviceId) {

}
