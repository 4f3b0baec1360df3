package dev.clipsync.common.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

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
	void refusesTokensOfOlderGenerationsOnly() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		assertThat(this.denyList.isDenied(token(user, device, 1))).isFalse();

		this.denyList.deny(user, device, 3, Duration.ofMinutes(16));

		assertThat(this.denyList.isDenied(token(user, device, 1))).isTrue();
		assertThat(this.denyList.isDenied(token(user, device, 2))).isTrue();
		assertThat(this.denyList.isDenied(token(user, device, 3))).isFalse();
		assertThat(this.denyList.isDenied(token(user, UUID.randomUUID(), 1))).isFalse();
		// a token without the claim (generation 0) is refused by any entry
		assertThat(this.denyList.isDenied(token(user, device, 0))).isTrue();
		assertThat(this.denyList.firstValidGeneration(user, device)).hasValue(3);
	}

	@Test
	void aBatchIsCheckedInOneGoAndAnswersInItsOwnOrder() {
		UUID user = UUID.randomUUID();
		UUID signedOut = UUID.randomUUID();
		UUID renewed = UUID.randomUUID();
		this.denyList.deny(user, signedOut, Long.MAX_VALUE, Duration.ofMinutes(16));
		this.denyList.deny(user, renewed, 2, Duration.ofMinutes(16));
		AccessToken stale = token(user, renewed, 1);
		AccessToken gone = token(user, signedOut, 7);
		List<AccessToken> batch = List.of(token(user, UUID.randomUUID(), 1), stale, token(user, renewed, 2), gone);

		assertThat(this.denyList.denied(batch, Function.identity())).containsExactly(stale, gone);
		assertThat(this.denyList.denied(List.<AccessToken>of(), Function.identity())).isEmpty();
	}

	@Test
	void anEntryIsNeverLoweredSoSignOutsMayLandInAnyOrder() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		this.denyList.deny(user, device, 5, Duration.ofMinutes(16));
		this.denyList.deny(user, device, 4, Duration.ofMinutes(16));
		assertThat(this.denyList.firstValidGeneration(user, device)).hasValue(5);
		this.denyList.denyAll(user, device, Duration.ofMinutes(16));
		assertThat(this.denyList.isDenied(token(user, device, Long.MAX_VALUE - 1))).isTrue();
		this.denyList.deny(user, device, 6, Duration.ofMinutes(16));
		assertThat(this.denyList.firstValidGeneration(user, device)).hasValue(Long.MAX_VALUE);
	}

	@Test
	void entriesExpireByThemselves() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		this.denyList.deny(user, device, 2, Duration.ofMinutes(16));
		Long ttl = this.redis
			.getExpire(new RedisNames(TestInfrastructure.redis().keyPrefix()).deviceDenyEntry(user, device));
		assertThat(ttl).isBetween(15 * 60L, 16 * 60L);
	}

	private static AccessToken token(UUID user, UUID device, long generation) {
		Instant issuedAt = Instant.now();
		return new AccessToken(user, device, "jti", issuedAt, issuedAt.plus(Duration.ofMinutes(15)), null, null,
				generation);
	}

}
