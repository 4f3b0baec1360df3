package dev.clipsync.common.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every failure of a request into an RFC 9457 problem with a stable {@code code}.
 * Bad input is a 4xx that says what was wrong; storage that is down is a 503 the client
 * may retry; only a bug is a 500, and it never shows internals.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice {

	private static final Logger logger = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

	@ExceptionHandler
	ResponseEntity<ProblemDetail> problem(ProblemException ex) {
		return respond(ex.problem(), ex.headers());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidBody(MethodArgumentNotValidException ex) {
		List<Map<String, String>> errors = ex.getBindingResult()
			.getAllErrors()
			.stream()
			.map((error) -> fieldError((error instanceof FieldError field) ? field.getField() : error.getObjectName(),
					error.getDefaultMessage()))
			.toList();
		return validationFailed(errors);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidParameters(HandlerMethodValidationException ex) {
		List<Map<String, String>> errors = ex.getParameterValidationResults()
			.stream()
			.flatMap((result) -> result.getResolvableErrors()
				.stream()
				.map((error) -> fieldError(result.getMethodParameter().getParameterName(), error.getDefaultMessage())))
			.toList();
		return validationFailed(errors);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidArguments(ConstraintViolationException ex) {
		List<Map<String, String>> errors = ex.getConstraintViolations()
			.stream()
			.map((violation) -> fieldError(lastNode(violation.getPropertyPath().toString()), violation.getMessage()))
			.toList();
		return validationFailed(errors);
	}

	private static String lastNode(String path) {
		return path.substring(path.lastIndexOf('.') + 1);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException ex) {
		return validationFailed(List.of(fieldError(ex.getParameterName(), "is required")));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> mismatchedParameter(MethodArgumentTypeMismatchException ex) {
		if (ex.getParameter().hasParameterAnnotation(PathVariable.class)) {
			// A path that cannot name a resource names no resource.
			return respond(ProblemException.notFound("No such resource."));
		}
		return validationFailed(List.of(fieldError(ex.getName(), "has the wrong type")));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unreadableBody(HttpMessageNotReadableException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof RequestBodyLimitFilter.BodyTooLargeException) {
				return respond(ProblemException.problem(HttpStatus.CONTENT_TOO_LARGE, "too_large",
						"Request body too large", cause.getMessage()), HttpHeaders.EMPTY);
			}
			if (cause instanceof StreamReadException) {
				break;
			}
			if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
				return validationFailed(List.of(fieldError(path(databind), "has the wrong type or shape")));
			}
		}
		return respond(ProblemException.problem(HttpStatus.BAD_REQUEST, "malformed_request", "Malformed request",
				"The request body is not valid JSON of the expected shape."), HttpHeaders.EMPTY);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unsupportedMediaType(HttpMediaTypeNotSupportedException ex) {
		return respond(ProblemException.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
				"Unsupported media type", "Send application/json."), HttpHeaders.EMPTY);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> methodNotAllowed(HttpRequestMethodNotSupportedException ex) {
		HttpHeaders headers = new HttpHeaders();
		headers.putAll(ex.getHeaders());
		return respond(ProblemException.problem(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
				"Method not allowed", ex.getMethod() + " is not supported here."), headers);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> noSuchPath(NoResourceFoundException ex) {
		return respond(ProblemException.notFound("No such resource."));
	}

	@ExceptionHandler({ DataAccessResourceFailureException.class, CannotCreateTransactionException.class,
			QueryTimeoutException.class, TransientDataAccessException.class, RedisConnectionFailureException.class,
			RedisSystemException.class })
	ResponseEntity<ProblemDetail> storageUnavailable(Exception ex) {
		logger.warn("Storage unavailable: {}", ex.toString());
		return respond(ProblemException.problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service unavailable",
				"Storage is unavailable; retry shortly."), retryAfter(5));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> other(Exception ex) {
		if (ex instanceof ErrorResponse framework && framework.getStatusCode().is4xxClientError()) {
			// Any other request problem Spring MVC detects (missing header, bad
			// multipart...).
			HttpStatus status = HttpStatus.valueOf(framework.getStatusCode().value());
			return respond(ProblemException.problem(status, status.name().toLowerCase(Locale.ROOT),
					status.getReasonPhrase(), null), framework.getHeaders());
		}
		logger.error("Unhandled error", ex);
		return respond(ProblemException.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal error",
				"Something went wrong on our side."), HttpHeaders.EMPTY);
	}

	private static ResponseEntity<ProblemDetail> validationFailed(List<Map<String, String>> errors) {
		ProblemDetail problem = ProblemException.problem(HttpStatus.BAD_REQUEST, "validation_failed",
				"Validation failed",
				errors.stream().map((e) -> e.get("field") + " " + e.get("message")).collect(Collectors.joining("; ")));
		problem.setProperty("errors", errors);
		return respond(problem, HttpHeaders.EMPTY);
	}

	private static Map<String, String> fieldError(String field, String message) {
		return Map.of("field", field, "message", (message != null) ? message : "is invalid");
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static HttpHeaders retryAfter(int seconds) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(seconds));
		return headers;
	}

	private static ResponseEntity<ProblemDetail> respond(ProblemException ex) {
		return respond(ex.problem(), ex.headers());
	}

	private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem, HttpHeaders headers) {
		return ResponseEntity.status(problem.getStatus())
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

}
