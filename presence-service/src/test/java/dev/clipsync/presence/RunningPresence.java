package dev.clipsync.presence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestTokens;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole presence-service, started in this JVM on a random port against the run's real
 * Redis. Tests start two to see replicas share the work, and stop one to see it catch up.
 */
public final class RunningPresence implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final int port;

	private RunningPresence(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	public static RunningPresence start(TestTokens tokens, Map<String, Object> settings) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("server.port", "0");
		properties.put("spring.data.redis.url", TestInfrastructure.redis().url());
		properties.put("clipsync.redis.key-prefix", TestInfrastructure.redis().keyPrefix());
		properties.put("clipsync.tokens.jwks-uri", tokens.jwksUri().toString());
		properties.put("clipsync.presence.reconcile-interval", "1s");
		properties.put("spring.main.banner-mode", "off");
		properties.putAll(settings);
		String[] args = properties.entrySet()
			.stream()
			.map((setting) -> "--" + setting.getKey() + "=" + setting.getValue())
			.toArray(String[]::new);
		return new RunningPresence(new SpringApplicationBuilder(PresenceServiceApplication.class).run(args));
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	public HttpResponse<String> get(String path, String token) {
		return send("GET", path, token);
	}

	public HttpResponse<String> send(String method, String path, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		try {
			return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

}
