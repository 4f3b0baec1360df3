package dev.clipsync.common.token;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.testsupport.TestInfrastructure;
import dev.clipsync.common.testsupport.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceDenyListTest {

	private LettuceConnectionFactory connections;

	private StringRedisTemplate redis;

	private DeviceDenyList denyList;

	@BeforeEach
	void connect() {
		TestRedis server = TestInfrastructure.redis();
		this.connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(server.host(), server.port()));
		this.connections.afterPropertiesSet();
		this.connections.start();
		this.redis = new StringRedisTemplate(this.connections);
		this.denyList = new DeviceDenyList(this.redis, new RedisNames(server.keyPrefix()));
	}

	@AfterEach
	void close() {
		this.connections.destroy();
	}

	@Test
	void refusesTokensIssuedUpToTheSignOutSecondOnly() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		Instant signedOut = Instant.parse("2026-11-22T12:00:00.700Z");
		assertThat(this.denyList.isDenied(token(user, device, signedOut.minusSeconds(60)))).isFalse();

		this.denyList.deny(user, device, signedOut, Duration.ofMinutes(16));

		assertThat(this.denyList.isDenied(token(user, device, signedOut.minusSeconds(60)))).isTrue();
		assertThat(this.denyList.isDenied(token(user, device, Instant.parse("2026-11-22T12:00:00Z")))).isTrue();
		assertThat(this.denyList.isDenied(token(user, device, Instant.parse("2026-11-22T12:00:01Z")))).isFalse();
		assertThat(this.denyList.isDenied(token(user, UUID.randomUUID(), signedOut.minusSeconds(60)))).isFalse();
		assertThat(this.denyList.signedOutAt(user, device)).hasValue(signedOut.getEpochSecond());
	}

	@Test
	void entriesExpireByThemselves() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		this.denyList.deny(user, device, Instant.now(), Duration.ofMinutes(16));
		Long ttl = this.redis
			.getExpire(new RedisNames(TestInfrastructure.redis().keyPrefix()).deviceDenyEntry(user, device));
		assertThat(ttl).isBetween(15 * 60L, 16 * 60L);
	}

	private static AccessToken token(UUID user, UUID device, Instant issuedAt) {
		return new AccessToken(user, device, "jti", issuedAt, issuedAt.plus(Duration.ofMinutes(15)), null, null);
	}

}
