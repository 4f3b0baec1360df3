package dev.clipsync.presence.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.ApplicationRunner;
import dev.clipsync.common.web.SecurityHeaders;
import dev.clipsync.common.redis.EvictionPolicyCheck;
import java.time.Clock;
import java.util.List;

import dev.clipsync.common.presence.PresenceReader;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.token.TokenCheck;
import dev.clipsync.common.web.BearerAuthentication;
import dev.clipsync.common.web.ProblemDetailsAdvice;
import dev.clipsync.common.wire.UserChannelCodec;
import dev.clipsync.presence.PresenceProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The shared pieces from {@code common}: token checks against auth-service's keys, Redis
 * names, presence reading, problem details.
 */
@Configuration(proxyBeanMethods = false)
@Import(ProblemDetailsAdvice.class)
class WebConfiguration implements WebMvcConfigurer {

	private final TokenCheck tokens;

	WebConfiguration(TokenCheck tokens) {
		this.tokens = tokens;
	}

	@Override
	public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
		resolvers.add(new BearerAuthentication(this.tokens));
	}

	@Bean
	static Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	static RedisNames redisNames(PresenceProperties properties) {
		return new RedisNames(properties.redis().keyPrefix());
	}

	@Bean
	static TokenCheck tokenCheck(PresenceProperties properties, Clock clock, StringRedisTemplate redis,
			RedisNames names) {
		PresenceProperties.Tokens tokens = properties.tokens();
		return TokenCheck.againstPublishedKeys(tokens.jwksUri(), tokens.issuer(), tokens.clockSkew(),
				tokens.keyMaxAge(), clock, redis, names);
	}

	@Bean
	static FilterRegistrationBean<SecurityHeaders> securityHeaders() {
		return new FilterRegistrationBean<>(new SecurityHeaders());
	}

	@Bean
	static ApplicationRunner redisEvictionPolicyCheck(StringRedisTemplate redis, PresenceProperties properties) {
		// Presence keys and revocations live in Redis: an evicting Redis would lose them.
		return (args) -> EvictionPolicyCheck.verify(redis, properties.redis().evictionCheck());
	}

	@Bean
	static PresenceReader presenceReader(StringRedisTemplate redis, RedisNames names, JsonMapper json) {
		return new PresenceReader(redis, names, json);
	}

	@Bean
	static UserChannelCodec userChannelCodec(JsonMapper json) {
		return new UserChannelCodec(json);
	}

}
