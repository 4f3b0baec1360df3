package dev.clipsync.common.web;

import java.util.Optional;

import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.InvalidTokenException;
import dev.clipsync.common.token.TokenCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves {@link Caller} parameters of controller methods from the
 * {@code Authorization: Bearer} header: the token must pass the {@link TokenCheck} and
 * its device must be active. Anything else is 401 {@code unauthorized}. Register it with
 * {@code WebMvcConfigurer.addArgumentResolvers}.
 */
public final class BearerAuthentication implements HandlerMethodArgumentResolver {

	private static final Logger logger = LoggerFactory.getLogger(BearerAuthentication.class);

	private static final String SCHEME = "bearer ";

	private final TokenCheck tokens;

	private final ActiveDevices devices;

	/**
	 * @param tokens the token check
	 * @param devices an extra check of the device, for services that know devices (the
	 * deny list already covers signed-out devices everywhere)
	 */
	public BearerAuthentication(TokenCheck tokens, ActiveDevices devices) {
		this.tokens = tokens;
		this.devices = devices;
	}

	public BearerAuthentication(TokenCheck tokens) {
		this(tokens, (userId, deviceId) -> true);
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
		AccessToken checked;
		try {
			checked = this.tokens.check(token);
		}
		catch (InvalidTokenException ex) {
			logger.debug("Refused access token: {}", ex.getMessage());
			throw ProblemException.unauthorized("The access token is invalid, expired or revoked.");
		}
		if (!this.devices.isActive(checked.userId(), checked.deviceId())) {
			throw ProblemException.unauthorized("This device was signed out.");
		}
		return new Caller(checked.userId(), checked.deviceId());
	}

	/**
	 * The token of an {@code Authorization: Bearer} header.
	 * @param header the header value, possibly {@code null}
	 * @return the token, or empty when the header is missing or of another scheme
	 */
	public static Optional<String> bearerToken(String header) {
		if (header == null || header.length() <= SCHEME.length()
				|| !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
			return Optional.empty();
		}
		String token = header.substring(SCHEME.length()).trim();
		return token.isEmpty() ? Optional.empty() : Optional.of(token);
	}

}
