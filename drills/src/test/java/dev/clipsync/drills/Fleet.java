package dev.clipsync.drills;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.clipsync.common.testsupport.ForkedService;
import dev.clipsync.common.testsupport.PrivatePostgres;
import dev.clipsync.common.testsupport.PrivateRedis;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The whole fleet, each part in a process of its own so that any part can fail on its
 * own: a PostgreSQL and a Redis that can be stopped and started again, auth-service, two
 * sync-gateways and presence-service, each from its executable jar. Output of each
 * service goes to a log file of its own.
 */
final class Fleet implements AutoCloseable {

	/**
	 * The gateways' liveness TTL, shortened so a dead gateway is swept within seconds.
	 */
	static final Duration GATEWAY_TTL = Duration.ofSeconds(3);

	/**
	 * The gateways' ping interval, shortened so that a stalled socket meets a ping within
	 * the stalled-reader drill.
	 */
	static final Duration HEARTBEAT = Duration.ofSeconds(5);

	/**
	 * The gateways' bound on a write that makes no progress, shortened so that the
	 * stalled-reader drill trips it well before its reader reads again, whatever the
	 * socket buffers hold.
	 */
	static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

	/** presence-service's reconciliation, shortened for the same reason. */
	static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(2);

	/**
	 * How long presence may be wrong once every device is back: a dead gateway's liveness
	 * key expires, the next reconciliation sweeps it, and a margin for a busy machine.
	 */
	static final Duration PRESENCE_WINDOW = GATEWAY_TTL.plus(RECONCILE_INTERVAL).plusSeconds(5);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	final PrivatePostgres postgres;

	final PrivateRedis redis;

	private final List<ForkedService> services = new ArrayList<>();

	private Fleet(PrivatePostgres postgres, PrivateRedis redis) {
		this.postgres = postgres;
		this.redis = redis;
	}

	/** Start everything and wait until every service is ready. */
	static Fleet start(Path logs) {
		CompletableFuture<PrivatePostgres> postgres = CompletableFuture.supplyAsync(PrivatePostgres::start);
		CompletableFuture<PrivateRedis> redis = CompletableFuture.supplyAsync(PrivateRedis::start);
		Fleet fleet = new Fleet(postgres.join(), redis.join());
		try {
			fleet.startServices(logs);
			return fleet;
		}
		catch (RuntimeException ex) {
			fleet.close();
			throw ex;
		}
	}

	private void startServices(Path logs) {
		Map<String, Object> shared = new LinkedHashMap<>();
		shared.put("spring.data.redis.url", this.redis.url());
		shared.put("logging.structured.format.console", "");
		Map<String, Object> database = new LinkedHashMap<>(shared);
		database.put("spring.datasource.url", this.postgres.jdbcUrl());
		database.put("spring.datasource.username", "postgres");

		Map<String, Object> auth = new LinkedHashMap<>(database);
		// logins are not what the drills are about
		auth.put("clipsync.passwords.bcrypt-cost", "4");
		this.services.add(ForkedService.fromJar(jar("auth"), auth, logs.resolve("auth-service.log")));

		String jwks = "http://127.0.0.1:" + auth().port() + "/.well-known/jwks.json";
		Map<String, Object> gateway = new LinkedHashMap<>(database);
		gateway.put("clipsync.tokens.jwks-uri", jwks);
		gateway.put("clipsync.presence.gateway-ttl", GATEWAY_TTL.toMillis() + "ms");
		gateway.put("clipsync.drain.window", "100ms");
		gateway.put("clipsync.connections.heartbeat", HEARTBEAT.toSeconds() + "s");
		// Every clip of the drills stays in history, so a device that resumes late can
		// still be checked against all of them.
		gateway.put("clipsync.clips.keep-per-user", "100000");
		gateway.put("clipsync.clips.quota-per-user", "1GB");
		gateway.put("clipsync.connections.write-timeout", WRITE_TIMEOUT.toSeconds() + "s");
		Map<String, Object> presence = new LinkedHashMap<>(shared);
		presence.put("clipsync.tokens.jwks-uri", jwks);
		presence.put("clipsync.presence.reconcile-interval", RECONCILE_INTERVAL.toMillis() + "ms");

		var one = CompletableFuture
			.supplyAsync(() -> ForkedService.fromJar(jar("gateway"), gateway, logs.resolve("sync-gateway-1.log")));
		var two = CompletableFuture
			.supplyAsync(() -> ForkedService.fromJar(jar("gateway"), gateway, logs.resolve("sync-gateway-2.log")));
		var tracker = CompletableFuture
			.supplyAsync(() -> ForkedService.fromJar(jar("presence"), presence, logs.resolve("presence-service.log")));
		RuntimeException failure = null;
		for (CompletableFuture<ForkedService> starting : List.of(one, two, tracker)) {
			try {
				this.services.add(starting.join());
			}
			catch (CompletionException ex) {
				// the others are still added, so that close() stops them
				failure = ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private static Path jar(String service) {
		String jar = System.getProperty("clipsync." + service + ".jar");
		if (jar == null) {
			throw new IllegalStateException("clipsync." + service + ".jar is not set: run the drills with Maven");
		}
		return Path.of(jar);
	}

	ForkedService auth() {
		return this.services.get(0);
	}

	ForkedService gateway(int index) {
		return this.services.get(1 + index);
	}

	ForkedService presence() {
		return this.services.get(3);
	}

	URI syncUri(int gateway) {
		return gateway(gateway).syncUri();
	}

	/** Register a user. */
	void register(String email, String password) {
		call("POST", "http://127.0.0.1:" + auth().port() + "/v1/auth/register",
				Map.of("email", email, "password", password), null);
	}

	/** Log a new device in. */
	Login login(String email, String password, String deviceName) {
		JsonNode pair = call("POST", "http://127.0.0.1:" + auth().port() + "/v1/auth/login",
				Map.of("email", email, "password", password, "device", Map.of("name", deviceName, "platform", "linux")),
				null);
		return new Login(UUID.fromString(pair.get("userId").asString()),
				UUID.fromString(pair.get("deviceId").asString()), pair.get("accessToken").asString(),
				pair.get("refreshToken").asString());
	}

	record Login(UUID userId, UUID deviceId, String accessToken, String refreshToken) {
	}

	/**
	 * A call to auth-service, as a client makes it.
	 * @return the answer's JSON; a missing node for an answer without a body
	 */
	JsonNode callAuth(String method, String path, @Nullable Object body, @Nullable String token) {
		return call(method, "http://127.0.0.1:" + auth().port() + path, body, token);
	}

	/**
	 * A REST call to one gateway, as a client makes it.
	 * @return the answer's JSON; a missing node for an answer without a body
	 */
	JsonNode callGateway(int gateway, String method, String path, @Nullable Object body, @Nullable String token) {
		return call(method, "http://127.0.0.1:" + gateway(gateway).port() + path, body, token);
	}

	/** {@code GET /v1/presence} as one of the user's devices. */
	JsonNode presence(String token) {
		return call("GET", "http://127.0.0.1:" + presence().port() + "/v1/presence", null, token);
	}

	private static JsonNode call(String method, String url, @Nullable Object body, @Nullable String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		try {
			for (int attempt = 1;; attempt++) {
				HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
				int status = response.statusCode();
				if ((status == 429 || status == 503) && attempt < 10) {
					// busy or throttled: a client waits as told and asks again
					long wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
					Thread.sleep(Duration.ofSeconds(Math.min(wait, 10)));
					continue;
				}
				if (status / 100 != 2) {
					throw new IllegalStateException(
							method + " " + url + " answered " + status + ": " + response.body());
				}
				return response.body().isEmpty() ? MissingNode.getInstance() : json.readTree(response.body());
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + url + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	@Override
	public void close() {
		this.services.forEach(ForkedService::kill);
		this.redis.close();
		this.postgres.close();
	}

}
