package dev.clipsync.common.redis;

import java.net.URI;

import dev.clipsync.common.testsupport.PrivateRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Against a Redis of the test's own, whose policy the test may change. */
class EvictionPolicyCheckTest {

	private PrivateRedis server;

	private LettuceConnectionFactory connections;

	private StringRedisTemplate redis;

	@BeforeEach
	void start() {
		this.server = PrivateRedis.start();
		URI url = URI.create(this.server.url());
		this.connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(url.getHost(), url.getPort()));
		this.connections.afterPropertiesSet();
		this.connections.start();
		this.redis = new StringRedisTemplate(this.connections);
	}

	@AfterEach
	void stop() {
		this.connections.destroy();
		this.server.close();
	}

	@Test
	void noevictionPasses() {
		setPolicy("noeviction");
		assertThat(EvictionPolicyCheck.verify(this.redis, EvictionPolicyCheck.Mode.FAIL)).isEqualTo("noeviction");
	}

	@Test
	void anEvictingPolicyFailsInFailModeAndOnlyWarnsInWarnMode() {
		setPolicy("volatile-lru");
		assertThatIllegalStateException()
			.isThrownBy(() -> EvictionPolicyCheck.verify(this.redis, EvictionPolicyCheck.Mode.FAIL))
			.withMessageContaining("maxmemory-policy volatile-lru")
			.withMessageContaining("noeviction");
		assertThat(EvictionPolicyCheck.verify(this.redis, EvictionPolicyCheck.Mode.WARN)).isEqualTo("volatile-lru");
		assertThat(EvictionPolicyCheck.verify(this.redis, EvictionPolicyCheck.Mode.OFF)).isNull();
	}

	private void setPolicy(String policy) {
		this.redis.execute((RedisCallback<Void>) (connection) -> {
			connection.serverCommands().setConfig("maxmemory-policy", policy);
			return null;
		});
	}

}
