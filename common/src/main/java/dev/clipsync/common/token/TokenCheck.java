package dev.clipsync.common.token;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import dev.clipsync.common.redis.RedisNames;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The whole check of an access token a client presents: signature and claims, then the
 * deny list. Every entry point (REST bearer header, WebSocket handshake, in-band token
 * swap) uses this one.
 */
public final class TokenCheck {

	/**
	 * How many verified tokens a service remembers (about 110 bytes each): enough for a
	 * gateway's reconnect storm, few enough not to weigh on the heap per connection.
	 */
	public static final int CACHED_TOKENS = 4096;

	private final AccessTokenVerifier verifier;

	private final DeviceDenyList denyList;

	public TokenCheck(AccessTokenVerifier verifier, DeviceDenyList denyList) {
		this.verifier = verifier;
		this.denyList = denyList;
	}

	/**
	 * Whether a token that passed once is still honoured: its device may have been signed
	 * out since. For connections that outlive their handshake.
	 * @param token a token this check accepted
	 * @return {@code false} once the device was signed out
	 */
	public boolean stillAllowed(AccessToken token) {
		return !this.denyList.isDenied(token);
	}

	/**
	 * {@link #stillAllowed(AccessToken)} for many connections in one round trip.
	 * @param <T> what holds a token, a connection say
	 * @param holders the holders, each with a token this check accepted
	 * @param tokenOf the holder's token
	 * @return the holders whose token is no longer honoured, in the order given
	 */
	public <T> List<T> noLongerAllowed(List<T> holders, Function<T, AccessToken> tokenOf) {
		return this.denyList.denied(holders, tokenOf);
	}

	/**
	 * The check every service but auth-service runs: keys from auth-service's JWK Set
	 * (cached five minutes, fetched again at most every 30 s for an unknown key id), the
	 * last {@link #CACHED_TOKENS} verified tokens remembered until they expire, and the
	 * shared deny list, read at every check.
	 * @param jwksUri where auth-service publishes its keys
	 * @param issuer the {@code iss} tokens must carry
	 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
	 * @param clock the clock
	 * @param redis the shared Redis
	 * @param names its key names
	 * @return the check
	 */
	public static TokenCheck againstPublishedKeys(URI jwksUri, String issuer, Duration clockSkew, Clock clock,
			StringRedisTemplate redis, RedisNames names) {
		return againstPublishedKeys(jwksUri, issuer, clockSkew, JwksClient.DEFAULT_KEY_MAX_AGE, clock, redis, names);
	}

	/**
	 * The check every service but auth-service runs, with a chosen maximum age of keys
	 * cached while auth-service cannot be reached.
	 * @param jwksUri where auth-service publishes its keys
	 * @param issuer the {@code iss} tokens must carry
	 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
	 * @param keyMaxAge how long keys stay trusted without a successful fetch (at least 5
	 * minutes); then every token is refused until auth-service answers again
	 * @param clock the clock
	 * @param redis the shared Redis
	 * @param names its key names
	 * @return the check
	 */
	public static TokenCheck againstPublishedKeys(URI jwksUri, String issuer, Duration clockSkew, Duration keyMaxAge,
			Clock clock, StringRedisTemplate redis, RedisNames names) {
		JwksClient keys = new JwksClient(jwksUri, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(),
				clock, Duration.ofMinutes(5), Duration.ofSeconds(30), keyMaxAge);
		return new TokenCheck(new AccessTokenVerifier(keys, issuer, clock, clockSkew, CACHED_TOKENS),
				new DeviceDenyList(redis, names));
	}

	/**
	 * Check a token.
	 * @param compact the token as the client sent it
	 * @return the verified token
	 * @throws InvalidTokenException when it must be refused, including when its device
	 * was signed out after it was issued
	 */
	public AccessToken check(String compact) {
		AccessToken token = this.verifier.verify(compact);
		if (this.denyList.isDenied(token)) {
			throw new InvalidTokenException("device signed out after the token was issued");
		}
		return token;
	}

}
