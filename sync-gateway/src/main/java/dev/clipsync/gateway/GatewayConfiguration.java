package dev.clipsync.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;

import dev.clipsync.common.redis.EvictionPolicyCheck;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.token.TokenCheck;
import dev.clipsync.common.web.BearerAuthentication;
import dev.clipsync.common.web.ProblemDetailsAdvice;
import dev.clipsync.common.web.RequestBodyLimitFilter;
import dev.clipsync.common.web.SecurityHeaders;
import dev.clipsync.common.web.StrictScalars;
import dev.clipsync.common.wire.UserChannelCodec;
import io.lettuce.core.resource.Delay;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The shared pieces from {@code common} that the gateway uses: token checks against
 * auth-service's published keys, Redis names, problem details for the REST API.
 */
@Configuration(proxyBeanMethods = false)
@Import(ProblemDetailsAdvice.class)
class GatewayConfiguration implements WebMvcConfigurer {

	private final TokenCheck tokens;

	GatewayConfiguration(TokenCheck tokens) {
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

	/**
	 * Hands commands' callbacks the connection itself. By default the template wraps it,
	 * on every command, in a proxy that stops callbacks from closing it, and the proxy
	 * calls through reflection: that was on every handshake's deny-list and presence
	 * reads. Only Spring's own operations run as callbacks here, and they do not close
	 * it.
	 */
	@Bean
	static StringRedisTemplate stringRedisTemplate(RedisConnectionFactory connections) {
		StringRedisTemplate template = new StringRedisTemplate(connections);
		template.setExposeConnection(true);
		return template;
	}

	@Bean
	static GatewayId gatewayId() {
		return GatewayId.random();
	}

	@Bean
	static RedisNames redisNames(GatewayProperties properties) {
		return new RedisNames(properties.redis().keyPrefix());
	}

	@Bean
	static TokenCheck tokenCheck(GatewayProperties properties, Clock clock, StringRedisTemplate redis,
			RedisNames names) {
		GatewayProperties.Tokens tokens = properties.tokens();
		return TokenCheck.againstPublishedKeys(tokens.jwksUri(), tokens.issuer(), tokens.clockSkew(),
				tokens.keyMaxAge(), clock, redis, names);
	}

	/**
	 * Lettuce backs off up to 30 s between reconnect attempts by default, so clips acked
	 * during a Redis outage reached other gateways' devices 20 s after Redis was back.
	 * Retrying at least every second brings them within about a second.
	 */
	@Bean
	static ClientResourcesBuilderCustomizer quickRedisReconnect() {
		return (builder) -> builder
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
	}

	@Bean
	static FilterRegistrationBean<SecurityHeaders> securityHeaders() {
		return new FilterRegistrationBean<>(new SecurityHeaders());
	}

	@Bean
	static ApplicationRunner redisEvictionPolicyCheck(StringRedisTemplate redis, GatewayProperties properties) {
		// Revocations live in Redis keys with a TTL: an evicting Redis would bring them
		// back.
		return (args) -> EvictionPolicyCheck.verify(redis, properties.redis().evictionCheck());
	}

	@Bean
	static JsonMapperBuilderCustomizer strictScalarTypes() {
		return StrictScalars::refuseNonStringsForText;
	}

	@Bean
	static UserChannelCodec userChannelCodec(JsonMapper json) {
		return new UserChannelCodec(json);
	}

	@Bean
	static FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(GatewayProperties properties) {
		FilterRegistrationBean<RequestBodyLimitFilter> registration = new FilterRegistrationBean<>(
				new RequestBodyLimitFilter(properties.maxRequestBody()));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		// Blob uploads are bounded by their own limit, counted as they stream in.
		registration.addUrlPatterns("/v1/clips", "/v1/clips/*");
		return registration;
	}

}
