package dev.clipsync.local.frontdoor;

import java.net.ConnectException;

import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * No route, no static file, or no service reachable: a problem detail, never Spring's
 * default error page or a stack trace.
 */
@Order(-2)
final class FrontDoorErrors implements WebExceptionHandler {

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		HttpStatusCode status = (ex instanceof ResponseStatusException rse) ? rse.getStatusCode()
				: (ex instanceof ConnectException || ex.getCause() instanceof ConnectException)
						? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
		if (status.is5xxServerError()) {
			status = HttpStatus.SERVICE_UNAVAILABLE;
		}
		exchange.getResponse().getHeaders().clear();
		return Problems.write(exchange.getResponse(), status);
	}

}
