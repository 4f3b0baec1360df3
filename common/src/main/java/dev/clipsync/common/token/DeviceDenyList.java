package dev.clipsync.common.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;

import dev.clipsync.common.redis.RedisNames;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Short-lived Redis entries that end a signed-out device's access tokens before they
 * expire. Access tokens are verified without asking auth-service, so when a device's
 * session ends (revocation, logout, password change, token reuse, account deletion),
 * auth-service records here the oldest session generation of the device still honoured,
 * and every service refuses the device's tokens of older generations (the {@code gen}
 * claim). An entry only has to outlive the longest access token, so it expires by itself.
 * <p>
 * Generations only grow: an entry is never lowered, so two sign-outs landing in any order
 * leave the higher one. The entries must not be evicted before they expire: Redis has to
 * run with {@code maxmemory-policy noeviction} (see
 * {@code dev.clipsync.common.redis.EvictionPolicyCheck}).
 */
public final class DeviceDenyList {

	/** Sets the entry unless it already refuses as much; keeps the longer expiry. */
	private static final RedisScript<Long> RAISE = RedisScript.of("""
			local current = tonumber(redis.call('GET', KEYS[1]))
			local wanted = tonumber(ARGV[1])
			local ttl = tonumber(ARGV[2])
			if current ~= nil and current >= wanted then
			  if redis.call('PTTL', KEYS[1]) < ttl then
			    redis.call('PEXPIRE', KEYS[1], ttl)
			  end
			  return current
			end
			redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
			return wanted
			""", Long.class);

	private final StringRedisTemplate redis;

	private final RedisNames names;

	public DeviceDenyList(StringRedisTemplate redis, RedisNames names) {
		this.redis = redis;
		this.names = names;
	}

	/**
	 * Refuse the device's tokens of generations below {@code firstValidGeneration}.
	 * @param userId the device's owner
	 * @param deviceId the device
	 * @param firstValidGeneration the oldest generation still honoured
	 * @param keepFor how long to keep the entry: at least the access token lifetime
	 */
	public void deny(UUID userId, UUID deviceId, long firstValidGeneration, Duration keepFor) {
		this.redis.execute(RAISE, List.of(this.names.deviceDenyEntry(userId, deviceId)),
				Long.toString(firstValidGeneration), Long.toString(keepFor.toMillis()));
	}

	/**
	 * Refuse every token of the device, issued or still to be issued, until the entry
	 * expires. For devices that are gone (account deleted).
	 * @param userId the device's owner
	 * @param deviceId the device
	 * @param keepFor how long to keep the entry: at least the access token lifetime
	 */
	public void denyAll(UUID userId, UUID deviceId, Duration keepFor) {
		deny(userId, deviceId, Long.MAX_VALUE, keepFor);
	}

	/**
	 * Whether the token's device session ended after the token was issued.
	 * @param token a token whose signature has been verified
	 * @return {@code true} when the token must be refused
	 */
	public boolean isDenied(AccessToken token) {
		OptionalLong refusedBelow = firstValidGeneration(token.userId(), token.deviceId());
		return refusedBelow.isPresent() && token.generation() < refusedBelow.getAsLong();
	}

	/**
	 * The holders of a batch of tokens whose device session ended after their token was
	 * issued: one round trip (MGET) for the whole batch, for checks that run on many
	 * connections at once.
	 * @param <T> what holds a token, a connection say
	 * @param holders the holders, each with a token whose signature has been verified
	 * @param tokenOf the holder's token
	 * @return the holders whose token must be refused, in the order given
	 */
	public <T> List<T> denied(List<T> holders, Function<T, AccessToken> tokenOf) {
		if (holders.isEmpty()) {
			return List.of();
		}
		List<String> keys = holders.stream()
			.map(tokenOf)
			.map((token) -> this.names.deviceDenyEntry(token.userId(), token.deviceId()))
			.toList();
		List<String> generations = this.redis.opsForValue().multiGet(keys);
		if (generations == null) {
			// only inside a transaction or pipeline, which this template never opens
			throw new IllegalStateException("MGET gave no reply");
		}
		List<T> denied = new ArrayList<>();
		for (int i = 0; i < holders.size(); i++) {
			String generation = generations.get(i);
			if (generation != null && tokenOf.apply(holders.get(i)).generation() < Long.parseLong(generation)) {
				denied.add(holders.get(i));
			}
		}
		return denied;
	}

	/**
	 * The oldest generation of the device still honoured, while that matters.
	 * @param userId the device's owner
	 * @param deviceId the device
	 * @return the generation, or empty when no deny entry is live
	 */
	public OptionalLong firstValidGeneration(UUID userId, UUID deviceId) {
		String generation = this.redis.opsForValue().get(this.names.deviceDenyEntry(userId, deviceId));
		return (generation != null) ? OptionalLong.of(Long.parseLong(generation)) : OptionalLong.empty();
	}

}
