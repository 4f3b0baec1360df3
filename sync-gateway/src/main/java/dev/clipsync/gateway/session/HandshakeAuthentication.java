package dev.clipsync.gateway.session;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.InvalidTokenException;
import dev.clipsync.common.token.TokenCheck;
import dev.clipsync.common.web.BearerAuthentication;
import dev.clipsync.common.web.ProblemException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Decides whether a handshake on {@code /v1/sync} may upgrade: the access token comes
 * from {@code Authorization: Bearer}, or, for browsers that cannot set headers, from an
 * offered subprotocol {@code bearer.<token>} next to {@code clipsync.v1}. A missing,
 * invalid, expired or revoked token gets HTTP 401 and no upgrade.
 */
final class HandshakeAuthentication {

	/** No {@code ?after=N}: the client does not resume. */
	static final long NO_RESUME = -1;

	/** Not a WebSocket handshake (a plain GET, or a version other than 13). */
	static final Refusal NOT_AN_UPGRADE = refusal(HttpStatus.BAD_REQUEST, "bad_request",
			"This endpoint only upgrades to a WebSocket (version 13, subprotocol clipsync.v1).", Map.of());

	private static final Logger logger = LoggerFactory.getLogger(HandshakeAuthentication.class);

	private static final String SUBPROTOCOL_PREFIX = "bearer.";

	private static final Refusal DRAINING = refusal(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
			"This gateway is restarting; connect again (another gateway will answer).", Map.of());

	private static final Refusal NO_TOKEN = refusal(HttpStatus.UNAUTHORIZED, "unauthorized",
			"An access token is required: send Authorization: Bearer <token>, or offer the subprotocol "
					+ "bearer.<token> next to clipsync.v1.",
			Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer"));

	private static final Refusal INVALID_TOKEN = refusal(HttpStatus.UNAUTHORIZED, "unauthorized",
			"The access token is invalid, expired or revoked: refresh it (POST /v1/auth/refresh) or log in again.",
			Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\""));

	private static final Refusal UNCHECKABLE = refusal(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
			"Sign-ins cannot be checked right now; connect again in a few seconds.", Map.of());

	private final TokenCheck tokens;

	private final BooleanSupplier accepting;

	HandshakeAuthentication(TokenCheck tokens, BooleanSupplier accepting) {
		this.tokens = tokens;
		this.accepting = accepting;
	}

	/**
	 * Check a handshake.
	 * @param request the upgrade request
	 * @return what the connection starts with, or why the handshake is refused
	 */
	Decision check(Request request) {
		if (!this.accepting.getAsBoolean()) {
			// Draining: the load balancer sends the retry to another gateway.
			return DRAINING;
		}
		HttpFields headers = request.getHeaders();
		Optional<String> token = BearerAuthentication.bearerToken(headers.get(HttpHeader.AUTHORIZATION))
			.or(() -> fromSubprotocols(headers.getValuesList(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL)));
		if (token.isEmpty()) {
			return NO_TOKEN;
		}
		try {
			return new Accepted(this.tokens.check(token.get()), resumeAfter(request));
		}
		catch (InvalidTokenException ex) {
			logger.debug("Refused handshake: {}", ex.getMessage());
			return INVALID_TOKEN;
		}
		catch (DataAccessException ex) {
			// The deny list cannot be read: fail closed, but say it is temporary.
			logger.debug("Refused handshake while Redis is away: {}", ex.toString());
			return UNCHECKABLE;
		}
	}

	/** {@code ?after=N}: resume from the last seq the client holds. */
	private static long resumeAfter(Request request) {
		String query = request.getHttpURI().getQuery();
		if (query == null) {
			return NO_RESUME;
		}
		String after = Request.extractQueryParameters(request).getValue("after");
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

	private static Optional<String> fromSubprotocols(List<String> offered) {
		return offered.stream()
			.flatMap((header) -> Arrays.stream(header.split(",")))
			.map(String::trim)
			.filter((protocol) -> protocol.startsWith(SUBPROTOCOL_PREFIX)
					&& protocol.length() > SUBPROTOCOL_PREFIX.length())
			.map((protocol) -> protocol.substring(SUBPROTOCOL_PREFIX.length()))
			.findFirst();
	}

	private static Refusal refusal(HttpStatus status, String code, String detail, Map<String, String> headers) {
		Map<String, String> all = new LinkedHashMap<>(headers);
		if (status == HttpStatus.SERVICE_UNAVAILABLE) {
			all.put(HttpHeaders.RETRY_AFTER, "2");
		}
		return new Refusal(status, Map.copyOf(all),
				ProblemException.json(ProblemException.problem(status, code, status.getReasonPhrase(), detail)));
	}

	/** Whether a handshake may upgrade. */
	sealed interface Decision permits Accepted, Refusal {

	}

	/**
	 * A handshake that may upgrade.
	 *
	 * @param token the checked access token
	 * @param resumeAfter the seq the client resumes after ({@code ?after=N}), or
	 * {@link #NO_RESUME}
	 */
	record Accepted(AccessToken token, long resumeAfter) implements Decision {
	}

	/**
	 * A handshake answered without an upgrade.
	 *
	 * @param status the HTTP status
	 * @param headers headers to send besides the content type
	 * @param body the problem, as JSON
	 */
	record Refusal(HttpStatus status, Map<String, String> headers, byte[] body) implements Decision {
	}

}
