package dev.clipsync.common.web;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A refusal that reaches the client as an RFC 9457 problem with a stable {@code code}.
 * Throw it from anywhere in a request; {@link ProblemDetailsAdvice} renders it.
 */
public class ProblemException extends RuntimeException {

	private static final String TYPE_BASE = "https://clipsync.dev/problems/";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ProblemDetail problem;

	private final HttpHeaders headers = new HttpHeaders();

	public ProblemException(HttpStatus status, String code, String title, @Nullable String detail) {
		super(code + ": " + detail);
		this.problem = problem(status, code, title, detail);
	}

	/**
	 * A problem detail with the ClipSync type URI and {@code code} property.
	 * @param status the HTTP status
	 * @param code the stable machine-readable code
	 * @param title a short human-readable summary that does not change between
	 * occurrences
	 * @param detail this occurrence, for humans; never secrets or internals
	 * @return the problem
	 */
	public static ProblemDetail problem(HttpStatus status, String code, String title, @Nullable String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_BASE + code.replace('_', '-')));
		problem.setTitle(title);
		problem.setProperty("code", code);
		return problem;
	}

	/**
	 * Missing, invalid, expired or revoked bearer token.
	 * @param detail what was wrong, in general terms
	 * @return the problem
	 */
	public static ProblemException unauthorized(String detail) {
		return new ProblemException(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail)
			.withHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
	}

	/**
	 * Too many requests; the client may retry after the given delay.
	 * @param retryAfter how long until a retry may succeed
	 * @return the problem
	 */
	public static ProblemException rateLimited(Duration retryAfter) {
		long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
		return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "Too many requests",
				"Too many attempts; retry in " + seconds + " s.")
			.withHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
	}

	public static ProblemException notFound(String detail) {
		return new ProblemException(HttpStatus.NOT_FOUND, "not_found", "Not found", detail);
	}

	/**
	 * A problem as the JSON body of a response, for the places that answer before Spring
	 * MVC would render it (servlet filters, the WebSocket handshake): the same fields as
	 * {@link ProblemDetailsAdvice} writes, properties such as {@code code} at the top.
	 * @param problem the problem
	 * @return its UTF-8 JSON
	 */
	public static byte[] json(ProblemDetail problem) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("type", problem.getType().toString());
		fields.put("title", problem.getTitle());
		fields.put("status", problem.getStatus());
		if (problem.getDetail() != null) {
			fields.put("detail", problem.getDetail());
		}
		if (problem.getProperties() != null) {
			fields.putAll(problem.getProperties());
		}
		return JSON.writeValueAsBytes(fields);
	}

	public ProblemException withHeader(String name, String value) {
		this.headers.set(name, value);
		return this;
	}

	public ProblemDetail problem() {
		return this.problem;
	}

	public HttpHeaders headers() {
		return this.headers;
	}

}
