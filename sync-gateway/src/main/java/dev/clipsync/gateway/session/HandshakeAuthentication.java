package dev.clipsync.gateway.session;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.InvalidTokenException;
import dev.clipsync.common.token.TokenCheck;
import dev.clipsync.common.web.BearerAuthentication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Authenticates the WebSocket handshake before the upgrade: the access token comes from
 * {@code Authorization: Bearer}, or, for browsers that cannot set headers, from an
 * offered subprotocol {@code bearer.<token>} next to {@code clipsync.v1}. A missing,
 * invalid, expired or revoked token gets HTTP 401 and no upgrade.
 */
class HandshakeAuthentication implements HandshakeInterceptor {

	static final String TOKEN = "clipsync.token";

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
			response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
			return false;
		}
		Optional<String> token = BearerAuthentication
			.bearerToken(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
			.or(() -> fromSubprotocols(request.getHeaders().get(WebSocketHttpHeaders.SEC_WEBSOCKET_PROTOCOL)));
		if (token.isEmpty()) {
			return refuse(response);
		}
		try {
			AccessToken checked = this.tokens.check(token.get());
			attributes.put(TOKEN, checked);
			return true;
		}
		catch (InvalidTokenException ex) {
			logger.debug("Refused handshake: {}", ex.getMessage());
			return refuse(response);
		}
	}

	private static boolean refuse(ServerHttpResponse response) {
		response.setStatusCode(HttpStatus.UNAUTHORIZED);
		response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
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
