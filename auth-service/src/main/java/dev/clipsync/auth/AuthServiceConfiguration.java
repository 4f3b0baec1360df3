package dev.clipsync.auth;

import java.time.Clock;

import dev.clipsync.common.redis.EvictionPolicyCheck;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.token.DeviceDenyList;
import dev.clipsync.common.wire.UserChannelCodec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The shared pieces from {@code common} that auth-service uses.
 */
@Configuration(proxyBeanMethods = false)
class AuthServiceConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	RedisNames redisNames(AuthProperties properties) {
		return new RedisNames(properties.redis().keyPrefix());
	}

	@Bean
	DeviceDenyList deviceDenyList(StringRedisTemplate redis, RedisNames names) {
		return new DeviceDenyList(redis, names);
	}

	/** Revocation lives in Redis keys with a TTL: Redis must never evict them. */
	@Bean
	ApplicationRunner redisEvictionPolicyCheck(StringRedisTemplate redis, AuthProperties properties) {
		return (args) -> EvictionPolicyCheck.verify(redis, properties.redis().evictionCheck());
	}

	@Bean
	UserChannelCodec userChannelCodec(JsonMapper json) {
		return new UserChannelCodec(json);
	}

}
