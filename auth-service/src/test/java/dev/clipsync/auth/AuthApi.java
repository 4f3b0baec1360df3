package dev.clipsync.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP client of auth-service for tests. Each instance poses as its own client
 * address (X-Forwarded-For, trusted from loopback) so per-address limits of one test do
 * not leak into another.
 */
public final class AuthApi {

	public static final JsonMapper json = JsonMapper.builder().build();

	public static final String PASSWORD = "correct horse battery";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final String clientAddress;

	public AuthApi(int port) {
		this(port, randomAddress());
	}

	/**
	 * A client that poses as the given address.
	 * @param port auth-service's port
	 * @param clientAddress an IPv4 or IPv6 literal
	 */
	public AuthApi(int port, String clientAddress) {
		this.base = "http://127.0.0.1:" + port;
		this.clientAddress = clientAddress;
	}

	private static String randomAddress() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
	}

	public Response get(String path, String token) {
		return send(request(path, token).GET());
	}

	public Response post(String path, Object body) {
		return post(path, body, null);
	}

	public Response post(String path, Object body, String token) {
		return send(request(path, token).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString(body instanceof String text ? text : json.writeValueAsString(body))));
	}

	public Response delete(String path, String token) {
		return send(request(path, token).DELETE());
	}

	public Response delete(String path, Object body, String token) {
		return send(request(path, token).header("Content-Type", "application/json")
			.method("DELETE", HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
	}

	public HttpRequest.Builder request(String path, String token) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(30))
			.header("X-Forwarded-For", this.clientAddress);
		if (token != null) {
			builder.header("Authorization", "Bearer " + token);
		}
		return builder;
	}

	public Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.headers(), response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Register a new user with a unique email and {@link #PASSWORD}. */
	public Account register() {
		String email = "user-" + UUID.randomUUID() + "@example.com";
		Response response = post("/v1/auth/register", Map.of("email", email, "password", PASSWORD));
		if (response.status() != 201) {
			throw new IllegalStateException("register: " + response);
		}
		return new Account(UUID.fromString(response.json().get("userId").asString()), email);
	}

	/** Log in on a new device. */
	public Session login(Account account, String deviceName) {
		return login(Map.of("email", account.email(), "password", PASSWORD, "device",
				Map.of("name", deviceName, "platform", "linux")));
	}

	public Session login(Map<String, ?> body) {
		Response response = post("/v1/auth/login", body);
		if (response.status() != 200) {
			throw new IllegalStateException("login: " + response);
		}
		return Session.of(response.json());
	}

	public record Account(UUID userId, String email) {
	}

	public record Session(String accessToken, String refreshToken, UUID userId, UUID deviceId) {

		public static Session of(JsonNode pair) {
			return new Session(pair.get("accessToken").asString(), pair.get("refreshToken").asString(),
					UUID.fromString(pair.get("userId").asString()), UUID.fromString(pair.get("deviceId").asString()));
		}

	}

	public record Response(int status, HttpHeaders headers, String body) {

		public JsonNode json() {
			return AuthApi.json.readTree(this.body);
		}

		/**
		 * The problem's code. Every error answer is a problem, so this also checks the
		 * content type, for every test that reads a code.
		 */
		public String code() {
			assertThat(contentType()).as("Content-Type of %d %s", this.status, this.body)
				.isEqualTo("application/problem+json");
			return json().path("code").asString(null);
		}

		public String contentType() {
			return this.headers.firstValue("Content-Type").orElse("");
		}

	}

}
