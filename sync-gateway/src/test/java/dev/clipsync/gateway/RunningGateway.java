package dev.clipsync.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestPostgres;
import dev.clipsync.common.testsupport.TestTokens;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole sync-gateway, started in this JVM on a random port against the run's real
 * PostgreSQL and Redis. Tests start two to see clips cross between gateways.
 */
public final class RunningGateway implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final int port;

	private RunningGateway(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	public static RunningGateway start(TestTokens tokens, Map<String, Object> settings) {
		return start(tokens, TestInfrastructure.redis().url(), settings);
	}

	public static RunningGateway start(TestTokens tokens, String redisUrl, Map<String, Object> settings) {
		Map<String, Object> properties = new HashMap<>(baseProperties(tokens, redisUrl));
		properties.putAll(settings);
		// As command-line arguments: they take precedence over application.yaml.
		String[] args = properties.entrySet()
			.stream()
			.map((setting) -> "--" + setting.getKey() + "=" + setting.getValue())
			.toArray(String[]::new);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SyncGatewayApplication.class).run(args);
		return new RunningGateway(context);
	}

	/**
	 * The settings a gateway needs to join this test run, also for one in another
	 * process.
	 */
	public static Map<String, Object> baseProperties(TestTokens tokens, String redisUrl) {
		TestPostgres postgres = TestInfrastructure.postgres();
		Map<String, Object> properties = new HashMap<>();
		properties.put("server.port", "0");
		properties.put("spring.datasource.url", postgres.jdbcUrl());
		if (!postgres.username().isEmpty()) {
			properties.put("spring.datasource.username", postgres.username());
			properties.put("spring.datasource.password", postgres.password());
		}
		properties.put("spring.data.redis.url", redisUrl);
		properties.put("clipsync.redis.key-prefix", TestInfrastructure.redis().keyPrefix());
		properties.put("clipsync.tokens.jwks-uri", tokens.jwksUri().toString());
		properties.put("clipsync.drain.window", "100ms");
		properties.put("spring.main.banner-mode", "off");
		// Many gateways share the test database: open connections as needed, not 32 at
		// once.
		properties.put("spring.datasource.hikari.minimum-idle", "2");
		return properties;
	}

	public int port() {
		return this.port;
	}

	public URI syncUri() {
		return URI.create("ws://127.0.0.1:" + this.port + "/v1/sync");
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * The status of the readiness probe.
	 * @return 200 when ready, 503 when not
	 */
	public int readiness() {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness")).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
