package dev.clipsync.local.frontdoor;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * Answers the front door makes itself, as problem details like the services' own
 * (docs/protocol.md#errors) and the same as nginx's.
 */
final class Problems {

	private Problems() {
	}

	static Mono<Void> write(ServerHttpResponse response, HttpStatusCode status) {
		String body = switch (status.value()) {
			case 401 -> problem("unauthorized", "Unauthorized", 401, "A valid access token is required.");
			case 404 -> problem("not-found", "Not found", 404, "No such resource.");
			case 502, 503, 504 ->
				problem("unavailable", "Service unavailable", 503, "The service is not reachable; retry shortly.");
			default -> problem("error", HttpStatus.valueOf(status.value()).getReasonPhrase(), status.value(),
					"The request was refused.");
		};
		if (status.value() >= 502 && status.value() <= 504) {
			response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
			response.getHeaders().set("Retry-After", "1");
		}
		else {
			response.setStatusCode(status);
		}
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(buffer));
	}

	private static String problem(String type, String title, int status, String detail) {
		String code = type.replace('-', '_');
		return "{\"type\":\"https://clipsync.dev/problems/" + type + "\",\"title\":\"" + title + "\",\"status\":"
				+ status + ",\"code\":\"" + code + "\",\"detail\":\"" + detail + "\"}";
	}

}
