package dev.clipsync.gateway.session;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.InvalidTokenException;
import dev.clipsync.common.token.TokenCheck;
import dev.clipsync.common.web.BearerAuthentication;
import dev.clipsync.common.web.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Authenticates the WebSocket handshake before the upgrade: the access token comes from
 * {@code Authorization: Bearer}, or, for browsers that cannot set headers, from an
 * offered subprotocol {@code bearer.<token>} next to {@code clipsync.v1}. A missing,
 * invalid, expired or revoked token gets HTTP 401 and no upgrade.
 */
class HandshakeAuthentication implements HandshakeInterceptor {

	static final String TOKEN = "clipsync.token";

	/** The seq the client resumes after ({@code ?after=N}), or {@link #NO_RESUME}. */
	static final String RESUME_AFTER = "clipsync.after";

	static final long NO_RESUME = -1;

	private static final Logger logger = LoggerFactory.getLogger(HandshakeAuthentication.class);

	private static final String SUBPROTOCOL_PREFIX = "bearer.";

	private final TokenCheck tokens;

	private final BooleanSupplier accepting;

	HandshakeAuthentication(TokenCheck tokens, BooleanSupplier accepting) {
		this.tokens = tokens;
		this.accepting = accepting;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		if (!this.accepting.getAsBoolean()) {
			// Draining: the load balancer sends the retry to another gateway.
			return problem(response, HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
					"This gateway is restarting; connect again (another gateway will answer).");
		}
		Optional<String> token = BearerAuthentication
			.bearerToken(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
			.or(() -> fromSubprotocols(request.getHeaders().get(WebSocketHttpHeaders.SEC_WEBSOCKET_PROTOCOL)));
		if (token.isEmpty()) {
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
			return problem(response, HttpStatus.UNAUTHORIZED, "unauthorized",
					"An access token is required: send Authorization: Bearer <token>, or offer the subprotocol "
							+ "bearer.<token> next to clipsync.v1.");
		}
		try {
			AccessToken checked = this.tokens.check(token.get());
			attributes.put(TOKEN, checked);
			attributes.put(RESUME_AFTER, resumeAfter(request));
			return true;
		}
		catch (InvalidTokenException ex) {
			logger.debug("Refused handshake: {}", ex.getMessage());
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
			return problem(response, HttpStatus.UNAUTHORIZED, "unauthorized",
					"The access token is invalid, expired or revoked: refresh it (POST /v1/auth/refresh) or log in again.");
		}
		catch (DataAccessException ex) {
			// The deny list cannot be read: fail closed, but say it is temporary.
			logger.debug("Refused handshake while Redis is away: {}", ex.toString());
			return problem(response, HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
					"Sign-ins cannot be checked right now; connect again in a few seconds.");
		}
	}

	/** {@code ?after=N}: resume from the last seq the client holds. */
	private static long resumeAfter(ServerHttpRequest request) {
		String after = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().getFirst("after");
		if (after == null) {
			return NO_RESUME;
		}
		try {
			long seq = Long.parseLong(after);
			return (seq >= 0) ? seq : NO_RESUME;
		}
		catch (NumberFormatException ex) {
			return NO_RESUME;
		}
	}

	private static boolean problem(ServerHttpResponse response, HttpStatus status, String code, String detail) {
		response.setStatusCode(status);
		if (status == HttpStatus.SERVICE_UNAVAILABLE) {
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, "2");
		}
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] bytes = ProblemException.json(ProblemException.problem(status, code, status.getReasonPhrase(), detail));
		response.getHeaders().setContentLength(bytes.length);
		try {
			response.getBody().write(bytes);
		}
		catch (IOException ex) {
			logger.debug("Could not write the refusal: {}", ex.toString());
		}
		return false;
	}

	private static Optional<String> fromSubprotocols(List<String> headers) {
		if (headers == null) {
			return Optional.empty();
		}
		return headers.stream()
			.flatMap((header) -> Arrays.stream(header.split(",")))
			.map(String::trim)
			.filter((protocol) -> protocol.startsWith(SUBPROTOCOL_PREFIX)
					&& protocol.length() > SUBPROTOCOL_PREFIX.length())
			.map((protocol) -> protocol.substring(SUBPROTOCOL_PREFIX.length()))
			.findFirst();
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Exception exception) {
	}

}
