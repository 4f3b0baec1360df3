package dev.clipsync.common.redis;

import java.util.Locale;
import java.util.Properties;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Checks at start-up that Redis never evicts keys to make room. Revocation lives in Redis
 * keys with a TTL (the device deny list): under memory pressure a Redis with a
 * {@code volatile-*} or {@code allkeys-*} policy would drop them first, and revoked
 * tokens would work again. Only {@code maxmemory-policy noeviction} (the Redis default)
 * is safe: writes fail instead, which the services answer with 503.
 * <p>
 * Every service that reads or writes deny entries runs it: auth-service, sync-gateway,
 * presence-service.
 */
public final class EvictionPolicyCheck {

	private static final Logger logger = LoggerFactory.getLogger(EvictionPolicyCheck.class);

	private static final String SAFE_POLICY = "noeviction";

	private EvictionPolicyCheck() {
	}

	/** What to do when Redis may evict keys. */
	public enum Mode {

		/** Log a loud warning and go on (development). */
		WARN,

		/** Refuse to start (production). */
		FAIL,

		/**
		 * Do not check (a Redis whose CONFIG command is disabled, checked by other
		 * means).
		 */
		OFF

	}

	/**
	 * Check the policy of the Redis behind this template.
	 * @param redis the template
	 * @param mode what to do when Redis may evict
	 * @return the policy Redis reported, or {@code null} when it could not be read
	 * @throws IllegalStateException in {@link Mode#FAIL} when Redis may evict keys
	 */
	public static @Nullable String verify(StringRedisTemplate redis, Mode mode) {
		if (mode == Mode.OFF) {
			return null;
		}
		String policy;
		try {
			policy = redis.execute((RedisCallback<String>) EvictionPolicyCheck::policy);
		}
		catch (RuntimeException ex) {
			// Managed Redis services often disable CONFIG; say so instead of failing.
			logger.warn("Could not read Redis' maxmemory-policy ({}); make sure it is noeviction, or revoked "
					+ "tokens may come back when Redis runs short of memory", ex.getMessage());
			return null;
		}
		if (policy == null || SAFE_POLICY.equals(policy)) {
			return policy;
		}
		String problem = "Redis runs with maxmemory-policy " + policy + ": under memory pressure it evicts keys, "
				+ "among them the deny entries of signed-out devices, whose tokens would then work again. "
				+ "Set maxmemory-policy noeviction (redis.conf, or CONFIG SET maxmemory-policy noeviction).";
		if (mode == Mode.FAIL) {
			throw new IllegalStateException(problem);
		}
		logger.warn("""

				*****************************************************************************
				{}
				*****************************************************************************""", problem);
		return policy;
	}

	private static @Nullable String policy(RedisConnection connection) {
		Properties config = connection.serverCommands().getConfig("maxmemory-policy");
		if (config == null) {
			return null;
		}
		String policy = config.getProperty("maxmemory-policy");
		return (policy != null) ? policy.toLowerCase(Locale.ROOT) : null;
	}

}
