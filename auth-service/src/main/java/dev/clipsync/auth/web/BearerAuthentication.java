package dev.clipsync.auth.web;

import java.util.Optional;

import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.AccessTokenVerifier;
import dev.clipsync.common.token.DeviceDenyList;
import dev.clipsync.common.token.InvalidTokenException;
import dev.clipsync.common.web.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves {@link Caller} parameters from the {@code Authorization: Bearer} header: the
 * token must verify, must not be denied, and its device must still be active. Anything
 * else is 401 {@code unauthorized}.
 */
class BearerAuthentication implements HandlerMethodArgumentResolver {

	private static final Logger logger = LoggerFactory.getLogger(BearerAuthentication.class);

	private static final String SCHEME = "bearer ";

	private final AccessTokenVerifier verifier;

	private final DeviceDenyList denyList;

	private final ActiveDevices devices;

	BearerAuthentication(AccessTokenVerifier verifier, DeviceDenyList denyList, ActiveDevices devices) {
		this.verifier = verifier;
		this.denyList = denyList;
		this.devices = devices;
	}

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.getParameterType() == Caller.class;
	}

	@Override
	public Caller resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
			NativeWebRequest request, WebDataBinderFactory binderFactory) {
		String token = bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION))
			.orElseThrow(() -> ProblemException.unauthorized("A bearer access token is required."));
		AccessToken verified;
		try {
			verified = this.verifier.verify(token);
		}
		catch (InvalidTokenException ex) {
			logger.debug("Refused access token: {}", ex.getMessage());
			throw ProblemException.unauthorized("The access token is invalid or expired.");
		}
		if (this.denyList.isDenied(verified) || !this.devices.isActive(verified.userId(), verified.deviceId())) {
			throw ProblemException.unauthorized("This device was signed out.");
		}
		return new Caller(verified.userId(), verified.deviceId());
	}

	private static Optional<String> bearerToken(String header) {
		if (header == null || header.length() <= SCHEME.length()
				|| !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
			return Optional.empty();
		}
		return Optional.of(header.substring(SCHEME.length()).trim());
	}

}
