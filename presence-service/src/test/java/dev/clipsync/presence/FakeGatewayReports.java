package dev.clipsync.presence;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.testsupport.TestInfrastructure;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Writes to Redis exactly what a gateway writes (docs/redis.md): for tests of presence
 * alone. The end-to-end tests use real gateways.
 */
final class FakeGatewayReports {

	private final StringRedisTemplate redis;

	private final RedisNames names = new RedisNames(TestInfrastructure.redis().keyPrefix());

	final String gatewayId = UUID.randomUUID().toString();

	/** With a Redis connection of its own, for tests that stop presence-service. */
	static FakeGatewayReports standalone() {
		LettuceConnectionFactory connections = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(TestInfrastructure.redis().host(), TestInfrastructure.redis().port()));
		connections.afterPropertiesSet();
		connections.start();
		return new FakeGatewayReports(new StringRedisTemplate(connections));
	}

	FakeGatewayReports(StringRedisTemplate redis) {
		this.redis = redis;
		alive();
	}

	void alive() {
		this.redis.opsForValue().set(this.names.gatewayAlive(this.gatewayId), "1");
		this.redis.opsForSet().add(this.names.gateways(), this.gatewayId);
	}

	/** The gateway dies without a word: its liveness key goes. */
	void die() {
		this.redis.delete(this.names.gatewayAlive(this.gatewayId));
	}

	String connect(UUID userId, UUID deviceId, String name) {
		String session = UUID.randomUUID().toString();
		this.redis.opsForHash()
			.put(this.names.gatewayConnections(this.gatewayId), session,
					"{\"userId\":\"" + userId + "\",\"deviceId\":\"" + deviceId + "\",\"name\":\"" + name
							+ "\",\"platform\":\"linux\",\"since\":0}");
		event("connect", session, userId, deviceId, name);
		return session;
	}

	void disconnect(String session, UUID userId, UUID deviceId) {
		this.redis.opsForHash().delete(this.names.gatewayConnections(this.gatewayId), session);
		event("disconnect", session, userId, deviceId, null);
	}

	private void event(String type, String session, UUID userId, UUID deviceId, String name) {
		Map<String, String> event = new LinkedHashMap<>();
		event.put("type", type);
		event.put("gateway", this.gatewayId);
		event.put("session", session);
		event.put("userId", userId.toString());
		event.put("deviceId", deviceId.toString());
		if (name != null) {
			event.put("name", name);
			event.put("platform", "linux");
		}
		event.put("at", Long.toString(System.currentTimeMillis()));
		this.redis.opsForStream().add(StreamRecords.string(event).withStreamKey(this.names.presenceEvents()));
	}

}
