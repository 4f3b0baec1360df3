package dev.clipsync.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.clipsync.common.redis.EvictionPolicyCheck;
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
	 * @param account the account endpoints
	 * @param blobs the blob endpoints
	 * @param jwks the JWK Set of the token signing keys
	 * @param web the web client
	 */
	public record Discovery(@DefaultValue("v1") String api, @DefaultValue("/v1/auth") String auth,
			@DefaultValue("/v1/sync") String sync, @DefaultValue("/v1/clips") String clips,
			@DefaultValue("/v1/presence") String presence, @DefaultValue("/v1/devices") String devices,
			@DefaultValue("/v1/account") String account, @DefaultValue("/v1/blobs") String blobs,
			@DefaultValue("/.well-known/jwks.json") String jwks, @DefaultValue("/") String web) {
	}

	/**
	 * @param keyPrefix first segment of every Redis key and channel, shared by all
	 * services
	 * @param evictionCheck what to do at start-up when Redis' maxmemory-policy may evict
	 * keys (which would bring revoked tokens back): warn, fail (the prod profile), or off
	 */
	public record Redis(@DefaultValue("cs") String keyPrefix,
			@DefaultValue("warn") EvictionPolicyCheck.Mode evictionCheck) {
	}

	/**
	 * @param issuer the {@code iss} of every access token
	 * @param accessTokenLifetime how long an access token is valid
	 * @param refreshTokenLifetime how long a refresh token is valid if not used
	 * @param sessionLifetime how long a device's session lasts from its login, however
	 * often it is refreshed; then the device logs in again
	 * @param signingKeys Ed25519 private keys; all of them are published, the active one
	 * signs. Empty means a key is generated at start-up (development only).
	 * @param activeKeyId id of the key that signs; defaults to the first key
	 * @param signingKeysDir a directory to read the signing keys from instead (a
	 * Kubernetes Secret mounted as files): {@code key-<n>.pem} with an optional
	 * {@code key-<n>.id} each, and an optional {@code active-key-id}
	 */
	public record Tokens(@DefaultValue("clipsync") String issuer, @DefaultValue("15m") Duration accessTokenLifetime,
			@DefaultValue("30d") Duration refreshTokenLifetime, @DefaultValue("90d") Duration sessionLifetime,
			@DefaultValue List<SigningKey> signingKeys, @Nullable String activeKeyId, @Nullable Path signingKeysDir) {
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

		/** Never the key itself, whatever prints this. */
		@Override
		public String toString() {
			return "SigningKey[id=" + this.id + ", privateKeyPem=" + ((this.privateKeyPem != null) ? "(hidden)" : null)
					+ ", jwk=" + ((this.jwk != null) ? "(hidden)" : null) + "]";
		}

	}

	/**
	 * bcrypt runs on a pool of its own, so a burst of logins cannot take every core: when
	 * the pool and its queue are full, a password check answers 503 with Retry-After.
	 *
	 * @param bcryptCost the bcrypt work factor (log2 rounds)
	 * @param hashingThreads threads that run bcrypt; 0 means one per available core
	 * @param maxWaitingChecks password checks that may wait for a thread; more are
	 * refused
	 */
	public record Passwords(@DefaultValue("10") int bcryptCost, @DefaultValue("0") int hashingThreads,
			@DefaultValue("64") int maxWaitingChecks) {
	}

	/**
	 * Limits on password guessing and registration floods, in one sliding window. Only
	 * failures count: a successful check releases its attempt.
	 *
	 * @param window the sliding window
	 * @param failuresPerEmailAndAddress failed logins allowed for one email from one
	 * client address (IPv6: one /64)
	 * @param failuresPerAddress failed logins allowed from one client address, any email
	 * @param failuresPerEmailBeforeSlowdown failed logins for one email, from anywhere,
	 * before each further login of that email is slowed down (never refused)
	 * @param slowdownPerFailure how much each failure past that threshold adds
	 * @param maxSlowdown the longest a login is slowed down
	 * @param failuresPerDevice failed password checks (password change, account deletion)
	 * allowed for one signed-in device
	 * @param registrationsPerAddress registrations allowed from one client address
	 */
	public record Login(@DefaultValue("15m") Duration window, @DefaultValue("10") int failuresPerEmailAndAddress,
			@DefaultValue("50") int failuresPerAddress, @DefaultValue("10") int failuresPerEmailBeforeSlowdown,
			@DefaultValue("250ms") Duration slowdownPerFailure, @DefaultValue("5s") Duration maxSlowdown,
			@DefaultValue("10") int failuresPerDevice, @DefaultValue("20") int registrationsPerAddress) {
	}

}
