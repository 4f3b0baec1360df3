package dev.clipsync.auth.throttle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Sliding-window limits on attempts, counted in Redis sorted sets of attempt times (Redis
 * server time, so replicas with skewed clocks agree). Unlike a fixed window, it never
 * lets twice the limit through across a window boundary.
 * <p>
 * An attempt is reserved in every key it counts against, atomically and before the work
 * it guards (one Lua script: check all, then add to all), so parallel attempts cannot all
 * pass a check that none of them has been recorded against yet. An attempt that turns out
 * not to count (a successful login) is released afterwards.
 */
final class SlidingWindowLimit {

	/**
	 * KEYS: the counters. ARGV: window in ms, the attempt's member, then one limit per
	 * key (0 = counted, never refused). Answers {ms to wait (0 = reserved), count in the
	 * last key after reserving}.
	 */
	private static final RedisScript<List> RESERVE = RedisScript.of("""
			local t = redis.call('TIME')
			local now = t[1] * 1000 + math.floor(t[2] / 1000)
			local window = tonumber(ARGV[1])
			local wait = 0
			for i, key in ipairs(KEYS) do
			  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
			  local limit = tonumber(ARGV[i + 2])
			  if limit > 0 then
			    local count = redis.call('ZCARD', key)
			    if count >= limit then
			      local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
			      wait = math.max(wait, tonumber(freeing[2]) + window - now, 1)
			    end
			  end
			end
			if wait > 0 then
			  return {wait, 0}
			end
			for i, key in ipairs(KEYS) do
			  redis.call('ZADD', key, now, ARGV[2])
			  redis.call('PEXPIRE', key, window)
			end
			return {0, redis.call('ZCARD', KEYS[#KEYS])}
			""", List.class);

	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			for i, key in ipairs(KEYS) do
			  redis.call('ZREM', key, ARGV[1])
			end
			return #KEYS
			""", Long.class);

	private final StringRedisTemplate redis;

	private final Duration window;

	SlidingWindowLimit(StringRedisTemplate redis, Duration window) {
		this.redis = redis;
		this.window = window;
	}

	/**
	 * Reserve one attempt against every key, or none when any key is at its limit.
	 * @param keys the counters, each with its limit (0: counted, never refused)
	 * @param member a unique id of this attempt
	 * @return how long to wait (zero when reserved), and the last key's count
	 */
	Reservation reserve(List<Counter> keys, String member) {
		List<String> args = new ArrayList<>();
		args.add(Long.toString(this.window.toMillis()));
		args.add(member);
		keys.forEach((counter) -> args.add(Integer.toString(counter.limit())));
		List<?> answer = this.redis.execute(RESERVE, keys.stream().map(Counter::key).toList(), args.toArray());
		long waitMillis = ((Number) answer.get(0)).longValue();
		long lastCount = ((Number) answer.get(1)).longValue();
		return new Reservation(Duration.ofMillis(waitMillis), lastCount);
	}

	void release(List<String> keys, String member) {
		this.redis.execute(RELEASE, keys, member);
	}

	/**
	 * @param key the Redis key
	 * @param limit attempts allowed in the window; 0 for a counter that never refuses
	 */
	record Counter(String key, int limit) {
	}

	/**
	 * @param retryAfter zero when the attempt was reserved, else how long until one may
	 * be
	 * @param lastCount attempts in the window in the last counter, this one included
	 */
	record Reservation(Duration retryAfter, long lastCount) {

		boolean reserved() {
			return this.retryAfter.isZero();
		}

	}

}
