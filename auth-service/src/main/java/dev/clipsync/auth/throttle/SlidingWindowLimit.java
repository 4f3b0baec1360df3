package dev.clipsync.auth.throttle;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * At most {@code limit} events per key in any sliding {@code window}, counted in a Redis
 * sorted set of event times (Redis server time, so replicas with skewed clocks agree).
 * Unlike a fixed window, it never lets twice the limit through across a window boundary.
 */
final class SlidingWindowLimit {

	/**
	 * Drops expired events; answers 0 if another is allowed, else milliseconds to wait.
	 */
	private static final RedisScript<Long> CHECK = RedisScript.of("""
			local t = redis.call('TIME')
			local now = t[1] * 1000 + math.floor(t[2] / 1000)
			local window = tonumber(ARGV[1])
			local limit = tonumber(ARGV[2])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
			local count = redis.call('ZCARD', KEYS[1])
			if count < limit then
			  return 0
			end
			local freeing = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
			return math.max(1, tonumber(freeing[2]) + window - now)
			""", Long.class);

	private static final RedisScript<Long> RECORD = RedisScript.of("""
			local t = redis.call('TIME')
			local now = t[1] * 1000 + math.floor(t[2] / 1000)
			redis.call('ZADD', KEYS[1], now, ARGV[2])
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return redis.call('ZCARD', KEYS[1])
			""", Long.class);

	private final StringRedisTemplate redis;

	private final Duration window;

	private final int limit;

	SlidingWindowLimit(StringRedisTemplate redis, Duration window, int limit) {
		this.redis = redis;
		this.window = window;
		this.limit = limit;
	}

	/**
	 * How long until one more event is allowed for this key.
	 * @param key the Redis key counting events
	 * @return zero when allowed now
	 */
	Duration waitBeforeNext(String key) {
		Long millis = this.redis.execute(CHECK, List.of(key), Long.toString(this.window.toMillis()),
				Integer.toString(this.limit));
		return Duration.ofMillis((millis != null) ? millis : 0);
	}

	void record(String key) {
		this.redis.execute(RECORD, List.of(key), Long.toString(this.window.toMillis()), UUID.randomUUID().toString());
	}

}
