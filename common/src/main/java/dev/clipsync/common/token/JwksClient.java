package dev.clipsync.common.token;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's public keys, fetched from its JWKS endpoint and cached. The set is fetched
 * again when it is older than {@code maxAge}, and when a token names a {@code kid} the
 * cache does not know (so a newly rotated key works at once) but never more often than
 * {@code minRefetchInterval}, so a flood of tokens with made-up key ids cannot turn into
 * a flood of requests to the issuer.
 * <p>
 * While the issuer cannot be reached, the cached keys keep working, but only for
 * {@code keyMaxAge} after the last successful fetch: then every key is dropped and every
 * token refused until a fetch succeeds again. So a key removed from the set in an
 * emergency stops being trusted everywhere within that age, even by a service cut off
 * from the issuer.
 */
public final class JwksClient implements PublicKeySource {

	private static final Logger logger = LoggerFactory.getLogger(JwksClient.class);

	private final URI uri;

	private final HttpClient http;

	private final Clock clock;

	private final Duration maxAge;

	private final Duration minRefetchInterval;

	private final Duration keyMaxAge;

	/** How long cached keys are trusted without a successful fetch, unless configured. */
	public static final Duration DEFAULT_KEY_MAX_AGE = Duration.ofHours(1);

	private final ReentrantLock fetchLock = new ReentrantLock();

	private volatile Map<String, PublicKey> keys = Map.of();

	private volatile Instant fetchedAt = Instant.EPOCH;

	private volatile Instant attemptedAt = Instant.EPOCH;

	public JwksClient(URI uri, HttpClient http, Clock clock, Duration maxAge, Duration minRefetchInterval) {
		this(uri, http, clock, maxAge, minRefetchInterval, DEFAULT_KEY_MAX_AGE);
	}

	/**
	 * @param uri the issuer's JWKS endpoint
	 * @param http the client to fetch it with
	 * @param clock the clock
	 * @param maxAge how long a fetched set is used before it is fetched again
	 * @param minRefetchInterval the shortest time between two fetch attempts
	 * @param keyMaxAge how long keys are trusted after the last successful fetch when no
	 * fetch succeeds since; at least {@code maxAge}
	 */
	public JwksClient(URI uri, HttpClient http, Clock clock, Duration maxAge, Duration minRefetchInterval,
			Duration keyMaxAge) {
		if (keyMaxAge.compareTo(maxAge) < 0) {
			throw new IllegalArgumentException(
					"the key max age (" + keyMaxAge + ") must not be shorter than the JWKS max age (" + maxAge + ")");
		}
		this.uri = uri;
		this.http = http;
		this.clock = clock;
		this.maxAge = maxAge;
		this.minRefetchInterval = minRefetchInterval;
		this.keyMaxAge = keyMaxAge;
	}

	@Override
	public Optional<PublicKey> find(String keyId) {
		PublicKey key = this.keys.get(keyId);
		if (key != null && !stale(this.clock.instant())) {
			return Optional.of(key);
		}
		// One thread fetches; the others wait for it and use what it fetched, instead of
		// refusing tokens because a fetch happens to be under way (a reconnect storm
		// after a gateway restart would otherwise see a burst of wrong 401s).
		this.fetchLock.lock();
		try {
			Instant now = this.clock.instant();
			key = this.keys.get(keyId);
			if ((key == null || stale(now)) && mayFetch(now)) {
				fetch(now);
				key = this.keys.get(keyId);
			}
			if (key != null && this.fetchedAt.plus(this.keyMaxAge).isBefore(now)) {
				// fail closed: no fresh word from the issuer for too long
				if (!this.keys.isEmpty()) {
					logger.warn("No JWKS from {} since {}; refusing every token until a fetch succeeds", this.uri,
							this.fetchedAt);
					this.keys = Map.of();
				}
				return Optional.empty();
			}
			return Optional.ofNullable(key);
		}
		finally {
			this.fetchLock.unlock();
		}
	}

	private boolean stale(Instant now) {
		return this.fetchedAt.plus(this.maxAge).isBefore(now);
	}

	private boolean mayFetch(Instant now) {
		return !this.attemptedAt.plus(this.minRefetchInterval).isAfter(now);
	}

	private void fetch(Instant now) {
		this.attemptedAt = now;
		try {
			HttpRequest request = HttpRequest.newBuilder(this.uri)
				.timeout(Duration.ofSeconds(5))
				.header("Accept", "application/json")
				.GET()
				.build();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				logger.warn("JWKS fetch from {} answered {}; keeping {} cached keys", this.uri, response.statusCode(),
						this.keys.size());
				return;
			}
			this.keys = parse(response.body());
			this.fetchedAt = now;
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("JWKS fetch from {} failed ({}); keeping {} cached keys", this.uri, ex.toString(),
					this.keys.size());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The Ed25519 public keys of a JWK Set document, by key id. Keys of other types, and
	 * keys without an id, are ignored: ClipSync tokens always carry a {@code kid}.
	 * @param json a JWK Set document
	 * @return the usable keys by id
	 */
	public static Map<String, PublicKey> parse(String json) {
		JwkSet set = Jwks.setParser().ignoreUnsupported(true).build().parse(json);
		Map<String, PublicKey> keys = new HashMap<>();
		for (Jwk<?> jwk : set) {
			if (jwk instanceof PublicJwk<?> publicJwk && jwk.getId() != null && "OKP".equals(jwk.getType())
					&& "Ed25519".equals(jwk.get("crv"))) {
				keys.put(jwk.getId(), publicJwk.toKey());
			}
		}
		return Map.copyOf(keys);
	}

}
