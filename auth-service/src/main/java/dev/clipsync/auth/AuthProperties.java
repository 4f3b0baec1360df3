package dev.clipsync.auth;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of auth-service, with its default. docs/configuration.md lists them.
 *
 * @param redis names in the shared Redis
 * @param tokens access and refresh tokens, and the keys that sign them
 * @param passwords password hashing
 * @param login throttling of login and other password checks
 * @param maxRequestBody the largest request body accepted
 * @param discovery what {@code /.well-known/clipsync} answers
 */
@ConfigurationProperties("clipsync")
public record AuthProperties(@DefaultValue Redis redis, @DefaultValue Tokens tokens, @DefaultValue Passwords passwords,
		@DefaultValue Login login, @DefaultValue("64KB") DataSize maxRequestBody, @DefaultValue Discovery discovery) {

	/**
	 * Where each part of the API lives, relative to the origin or absolute.
	 *
	 * @param api the API version
	 * @param auth the auth endpoints
	 * @param sync the WebSocket endpoint
	 * @param clips the clips REST endpoints
	 * @param presence the presence endpoint
	 * @param devices the devices endpoints
	 */
	public record Discovery(@DefaultValue("v1") String api, @DefaultValue("/v1/auth") String auth,
			@DefaultValue("/v1/sync") String sync, @DefaultValue("/v1/clips") String clips,
			@DefaultValue("/v1/presence") String presence, @DefaultValue("/v1/devices") String devices) {
	}

	/**
	 * @param keyPrefix first segment of every Redis key and channel, shared by all
	 * services
	 */
	public record Redis(@DefaultValue("cs") String keyPrefix) {
	}

	/**
	 * @param issuer the {@code iss} of every access token
	 * @param accessTokenLifetime how long an access token is valid
	 * @param refreshTokenLifetime how long a refresh token is valid if not used
	 * @param signingKeys Ed25519 private keys; all of them are published, the active one
	 * signs. Empty means a key is generated at start-up (development only).
	 * @param activeKeyId id of the key that signs; defaults to the first key
	 */
	public record Tokens(@DefaultValue("clipsync") String issuer, @DefaultValue("15m") Duration accessTokenLifetime,
			@DefaultValue("30d") Duration refreshTokenLifetime, @DefaultValue List<SigningKey> signingKeys,
			@Nullable String activeKeyId) {
	}

	/**
	 * One signing key, given either as a PKCS#8 PEM or as a private JWK.
	 *
	 * @param id the {@code kid}; defaults to the JWK's own id, else its RFC 7638
	 * thumbprint
	 * @param privateKeyPem {@code -----BEGIN PRIVATE KEY-----} (as {@code openssl genpkey
	 * -algorithm ed25519} writes it)
	 * @param jwk a private OKP JWK with {@code crv} Ed25519
	 */
	public record SigningKey(@Nullable String id, @Nullable String privateKeyPem, @Nullable String jwk) {
	}

	/**
	 * @param bcryptCost the bcrypt work factor (log2 rounds)
	 */
	public record Passwords(@DefaultValue("10") int bcryptCost) {
	}

	/**
	 * Failed password checks allowed in a sliding window, per email and per client
	 * address; registrations allowed per client address in the same window.
	 *
	 * @param window the sliding window
	 * @param failuresPerEmail failed checks allowed for one email
	 * @param failuresPerAddress failed checks allowed from one client address
	 * @param registrationsPerAddress registrations allowed from one client address
	 */
	public record Login(@DefaultValue("15m") Duration window, @DefaultValue("10") int failuresPerEmail,
			@DefaultValue("50") int failuresPerAddress, @DefaultValue("20") int registrationsPerAddress) {
	}

}
