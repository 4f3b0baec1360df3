package dev.clipsync.bench.login;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two auth-service calls the benchmark makes, over one shared HTTP/1.1 client.
 */
final class AuthClient {

	/** What {@link #login} answers on success. */
	static final String OK = "ok";

	private final HttpClient http;

	private final JsonMapper json = JsonMapper.builder().build();

	private final URI register;

	private final URI login;

	private final URI prometheus;

	private final Duration timeout;

	AuthClient(URI baseUrl, Duration timeout) {
		// HTTP/1.1 explicitly: the default would send an h2c upgrade on every request.
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		String base = baseUrl.toString().replaceAll("/+$", "");
		this.register = URI.create(base + "/v1/auth/register");
		this.login = URI.create(base + "/v1/auth/login");
		this.prometheus = URI.create(base + "/actuator/prometheus");
		this.timeout = timeout;
	}

	/**
	 * Register the account.
	 * @param user the account to create
	 * @throws IOException when the call fails or is not answered 201
	 * @throws InterruptedException when interrupted
	 */
	void register(User user) throws IOException, InterruptedException {
		HttpResponse<String> response = post(this.register,
				new RegisterRequest(user.email(), user.password(), "bench"));
		if (response.statusCode() != 201) {
			throw new IOException(
					"Registering " + user.email() + " answered " + response.statusCode() + ": " + response.body());
		}
	}

	/**
	 * Log in on a new device.
	 * @param user the account
	 * @param deviceName the name of the device registered by this login
	 * @return {@link #OK}, else what went wrong, short enough to count by
	 * @throws InterruptedException when interrupted
	 */
	String login(User user, String deviceName) throws InterruptedException {
		HttpResponse<String> response;
		try {
			response = post(this.login,
					new LoginRequest(user.email(), user.password(), new NewDevice(deviceName, "linux")));
		}
		catch (IOException ex) {
			return ex.getClass().getSimpleName();
		}
		if (response.statusCode() != 200) {
			return "HTTP " + response.statusCode();
		}
		// A 200 from something that is not auth-service must not count as a login.
		try {
			JsonNode body = this.json.readTree(response.body());
			if (body.path("accessToken").isString() && body.path("refreshToken").isString()) {
				return OK;
			}
		}
		catch (JacksonException ex) {
			// Not JSON: not a token pair either.
		}
		return "HTTP 200 without tokens";
	}

	/**
	 * The CPU time auth-service has used, from its Prometheus endpoint.
	 * @return nanoseconds, or {@code null} when the metric cannot be read
	 * @throws InterruptedException when interrupted
	 */
	@Nullable Long serviceCpuNanos() throws InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(this.prometheus).timeout(this.timeout).GET().build();
		try {
			HttpResponse<Stream<String>> response = this.http.send(request, HttpResponse.BodyHandlers.ofLines());
			try (Stream<String> lines = response.body()) {
				if (response.statusCode() != 200) {
					return null;
				}
				// process_cpu_time_ns_total{application="auth-service"} 2.3E10
				return lines.filter((line) -> line.startsWith("process_cpu_time_ns_total"))
					.findFirst()
					.map((line) -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
					.orElse(null);
			}
		}
		catch (IOException | NumberFormatException ex) {
			return null;
		}
	}

	private HttpResponse<String> post(URI uri, Object body) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(this.timeout)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(this.json.writeValueAsString(body)))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	record User(String email, String password) {
	}

	record RegisterRequest(String email, String password, String displayName) {
	}

	record LoginRequest(String email, String password, NewDevice device) {
	}

	record NewDevice(String name, String platform) {
	}

}
