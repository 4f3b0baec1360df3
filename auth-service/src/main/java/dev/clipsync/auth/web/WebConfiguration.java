package dev.clipsync.auth.web;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.auth.token.SigningKeys;
import dev.clipsync.common.token.AccessTokenVerifier;
import dev.clipsync.common.token.DeviceDenyList;
import dev.clipsync.common.token.TokenCheck;
import dev.clipsync.common.web.ActiveDevices;
import dev.clipsync.common.web.BearerAuthentication;
import dev.clipsync.common.web.ProblemDetailsAdvice;
import dev.clipsync.common.web.SecurityHeaders;
import dev.clipsync.common.web.StrictScalars;
import dev.clipsync.common.web.RequestBodyLimitFilter;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
@Import(ProblemDetailsAdvice.class)
class WebConfiguration implements WebMvcConfigurer {

	private final BearerAuthentication bearerAuthentication;

	WebConfiguration(SigningKeys keys, AuthProperties properties, Clock clock, DeviceDenyList denyList,
			ActiveDevices devices) {
		// The same check every service runs, but against our own keys (no JWKS fetch) and
		// our own device records.
		AccessTokenVerifier verifier = new AccessTokenVerifier(keys, properties.tokens().issuer(), clock,
				Duration.ofSeconds(30));
		this.bearerAuthentication = new BearerAuthentication(new TokenCheck(verifier, denyList), devices);
	}

	@Override
	public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
		resolvers.add(this.bearerAuthentication);
	}

	@Bean
	static FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(AuthProperties properties) {
		FilterRegistrationBean<RequestBodyLimitFilter> registration = new FilterRegistrationBean<>(
				new RequestBodyLimitFilter(properties.maxRequestBody()));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
		return registration;
	}

	@Bean
	static FilterRegistrationBean<SecurityHeaders> securityHeaders() {
		FilterRegistrationBean<SecurityHeaders> registration = new FilterRegistrationBean<>(new SecurityHeaders());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	static JsonMapperBuilderCustomizer strictScalarTypes() {
		return StrictScalars::refuseNonStringsForText;
	}

}
