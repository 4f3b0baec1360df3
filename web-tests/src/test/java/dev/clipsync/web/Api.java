package dev.clipsync.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.clipsync.common.testsupport.SyncClient;
import tools.jackson.databind.JsonNode;

/**
 * The fleet's REST API through the front door, as another client of the same account (the
 * role the CLI plays for a person).
 */
record Api(String origin) {

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	JsonNode register(String email, String password) throws Exception {
		return send("POST", "/v1/auth/register", Map.of("email", email, "password", password), null, 201);
	}

	/** Logs in a new device; the token pair. */
	JsonNode login(String email, String password, String deviceName) throws Exception {
		return send("POST", "/v1/auth/login",
				Map.of("email", email, "password", password, "device", Map.of("name", deviceName, "platform", "cli")),
				null, 200);
	}

	JsonNode devices(String token) throws Exception {
		return send("GET", "/v1/devices", null, token, 200);
	}

	JsonNode clips(String token) throws Exception {
		return send("GET", "/v1/clips?after=0&limit=200", null, token, 200);
	}

	JsonNode push(String token, Map<String, Object> push) throws Exception {
		return send("POST", "/v1/clips", push, token, 201);
	}

	int status(String method, String path, String token) throws Exception {
		return http.send(request(method, path, null, token), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	/** The sync endpoint of the one origin, for WebSocket clients. */
	URI sync() {
		return URI.create(this.origin.replaceFirst("^http", "ws") + "/v1/sync");
	}

	private JsonNode send(String method, String path, Object body, String token, int expected) throws Exception {
		HttpResponse<String> response = http.send(request(method, path, body, token),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != expected) {
			throw new AssertionError(
					method + " " + path + " answered " + response.statusCode() + " " + response.body());
		}
		return SyncClient.json.readTree(response.body());
	}

	private HttpRequest request(String method, String path, Object body, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.origin + path));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (body != null) {
			request.header("Content-Type", "application/json");
			request.method(method, HttpRequest.BodyPublishers.ofString(SyncClient.json.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return request.build();
	}

}
