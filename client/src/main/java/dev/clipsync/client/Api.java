package dev.clipsync.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * REST calls: JSON in, JSON out, problem details turned into {@link ClipSyncException}.
 */
final class Api {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient http;

	Api(HttpClient http) {
		this.http = http;
	}

	static HttpClient newHttpClient() {
		return HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(10))
			.followRedirects(HttpClient.Redirect.NORMAL)
			.build();
	}

	HttpClient http() {
		return this.http;
	}

	Endpoints discover(URI server) {
		URI normalized = server.getPath().isEmpty() ? server.resolve("/") : server;
		JsonNode discovery = call("GET", normalized.resolve("/.well-known/clipsync"), null, null);
		if (!discovery.isObject()) {
			throw new ClipSyncException(ClipSyncException.BAD_RESPONSE, 0,
					server + " does not look like a ClipSync server (no discovery document)");
		}
		return Endpoints.from(normalized, discovery);
	}

	/**
	 * @return the JSON body, or {@link NullNode} for an empty answer (204)
	 */
	JsonNode call(String method, URI uri, @Nullable Object body, @Nullable String bearer) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json");
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(Json.mapper.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		HttpResponse<String> response;
		try {
			response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (HttpConnectTimeoutException | ConnectException ex) {
			throw unreachable(uri, ex);
		}
		catch (HttpTimeoutException ex) {
			throw new ClipSyncException(ClipSyncException.UNREACHABLE, "the server at " + origin(uri)
					+ " did not answer within " + TIMEOUT.toSeconds() + " s; try again later", ex);
		}
		catch (IOException ex) {
			throw unreachable(uri, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ClipSyncException("interrupted", "interrupted", ex);
		}
		int status = response.statusCode();
		if (status >= 200 && status < 300) {
			if (response.body().isEmpty()) {
				return NullNode.getInstance();
			}
			try {
				return Json.mapper.readTree(response.body());
			}
			catch (JacksonException ex) {
				throw new ClipSyncException(ClipSyncException.BAD_RESPONSE, status,
						origin(uri) + " answered something that is not JSON: is it a ClipSync server?");
			}
		}
		throw problem(uri, status, response.body());
	}

	static ClipSyncException problem(URI uri, int status, String body) {
		String code = null;
		String detail = null;
		try {
			JsonNode problem = Json.mapper.readTree(body);
			if (problem != null && problem.isObject()) {
				code = text(problem, "code");
				detail = text(problem, "detail");
				if (detail == null) {
					detail = text(problem, "title");
				}
				JsonNode errors = problem.get("errors");
				if (errors != null && errors.isArray() && !errors.isEmpty()) {
					StringBuilder fields = new StringBuilder();
					for (JsonNode error : errors) {
						fields.append((fields.length() > 0) ? "; " : "")
							.append(text(error, "field"))
							.append(": ")
							.append(text(error, "message"));
					}
					detail = fields.toString();
				}
			}
		}
		catch (JacksonException ex) {
			// not a problem document
		}
		if (code == null) {
			code = switch (status) {
				case 401 -> "unauthorized";
				case 404 -> "not_found";
				case 429 -> "rate_limited";
				case 502, 503, 504 -> ClipSyncException.UNREACHABLE;
				default -> "http_" + status;
			};
		}
		if (detail == null) {
			detail = (status >= 500)
					? origin(uri) + " is not available right now (HTTP " + status + "); try again later"
					: "HTTP " + status + " from " + uri;
		}
		return new ClipSyncException(code, status, detail);
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	static ClipSyncException unreachable(URI uri, Exception ex) {
		return new ClipSyncException(ClipSyncException.UNREACHABLE,
				"cannot reach the server at " + origin(uri) + ": check the URL and that it is running", ex);
	}

	static String origin(URI uri) {
		return uri.getScheme() + "://" + uri.getAuthority();
	}

}
