package dev.clipsync.auth.web;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import dev.clipsync.auth.AuthApi;
import dev.clipsync.auth.AuthApi.Response;
import dev.clipsync.auth.AuthApi.Session;
import dev.clipsync.auth.AuthServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a client sends, the answer is a clear 4xx problem with a code, never a 500,
 * and the service stays healthy.
 */
@AuthServiceTest
class BadInputTest {

	private static final List<String> JSON_ENDPOINTS = List.of("POST /v1/auth/register", "POST /v1/auth/login",
			"POST /v1/auth/refresh", "POST /v1/auth/password", "DELETE /v1/account");

	@LocalServerPort
	int port;

	AuthApi api;

	Session session;

	@BeforeEach
	void client() {
		this.api = new AuthApi(this.port);
		this.session = this.api.login(this.api.register(), "Laptop");
	}

	@Test
	void malformedJsonIsAMalformedRequest() {
		for (String body : List.of("{", "{\"email\":", "not json", "{\"email\":\"a\"}}", "\u0000", "[1,2",
				"{\"email\":\"a\",}")) {
			for (String endpoint : JSON_ENDPOINTS) {
				Response response = send(endpoint, body, "application/json");
				assertThat(response.status()).as(endpoint + " " + body).isEqualTo(400);
				assertThat(response.code()).as(endpoint + " " + body).isEqualTo("malformed_request");
			}
		}
	}

	@Test
	void emptyOrNonObjectBodiesAreRefused() {
		for (String body : List.of("", "null", "[]", "42", "\"text\"", "true")) {
			for (String endpoint : JSON_ENDPOINTS) {
				Response response = send(endpoint, body, "application/json");
				assertThat(response.status()).as(endpoint + " " + body).isEqualTo(400);
				assertThat(response.code()).as(endpoint + " " + body).isEqualTo("malformed_request");
			}
		}
	}

	@Test
	void deeplyNestedJsonIsRefused() {
		String deep = "{\"email\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
		for (String endpoint : JSON_ENDPOINTS) {
			Response response = send(endpoint, deep, "application/json");
			assertThat(response.status()).as(endpoint).isEqualTo(400);
		}
	}

	@Test
	void hugeBodiesAreTooLarge() {
		String huge = "{\"email\":\"" + "a".repeat(200_000) + "\"}";
		for (String endpoint : JSON_ENDPOINTS) {
			Response response = send(endpoint, huge, "application/json");
			assertThat(response.status()).as(endpoint).isEqualTo(413);
			assertThat(response.code()).isEqualTo("too_large");
		}
	}

	@Test
	void otherMediaTypesAreUnsupported() {
		for (String endpoint : JSON_ENDPOINTS) {
			Response response = send(endpoint, "email=a&password=b", "application/x-www-form-urlencoded");
			assertThat(response.status()).as(endpoint).isEqualTo(415);
			assertThat(response.code()).isEqualTo("unsupported_media_type");
		}
	}

	@Test
	void unknownPathsAndMethodsAreProblemsToo() {
		Response unknown = this.api.get("/v1/nothing-here", null);
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.code()).isEqualTo("not_found");
		Response method = this.api.send(this.api.request("/v1/auth/login", null).GET());
		assertThat(method.status()).isEqualTo(405);
		assertThat(method.code()).isEqualTo("method_not_allowed");
		assertThat(method.headers().firstValue("Allow")).hasValue("POST");
	}

	@Test
	void malformedAuthorizationHeadersAreUnauthorized() {
		for (String header : List.of("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer x.y.z", "Bearer \u00e9t\u00e9",
				"Token " + this.session.accessToken())) {
			Response response = this.api
				.send(this.api.request("/v1/devices", null).header("Authorization", header).GET());
			assertThat(response.status()).as(header).isEqualTo(401);
			assertThat(response.code()).isEqualTo("unauthorized");
		}
	}

	@Test
	void theServiceStaysHealthyAfterAllOfIt() {
		malformedJsonIsAMalformedRequest();
		hugeBodiesAreTooLarge();
		assertThat(this.api.get("/actuator/health/readiness", null).status()).isEqualTo(200);
		assertThat(this.api.get("/v1/devices", this.session.accessToken()).status()).isEqualTo(200);
		assertThat(this.api.post("/v1/auth/refresh", Map.of("refreshToken", this.session.refreshToken())).status())
			.isEqualTo(200);
	}

	private Response send(String endpoint, String body, String contentType) {
		String[] parts = endpoint.split(" ");
		String token = parts[1].startsWith("/v1/auth/register") || parts[1].startsWith("/v1/auth/login")
				|| parts[1].startsWith("/v1/auth/refresh") ? null : this.session.accessToken();
		return this.api.send(this.api.request(parts[1], token)
			.header("Content-Type", contentType)
			.method(parts[0], HttpRequest.BodyPublishers.ofString(body)));
	}

}
