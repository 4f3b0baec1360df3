package dev.clipsync.common.testsupport;

import java.util.HashMap;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a Spring Boot test at the run's real PostgreSQL database and Redis server. Use
 * it through {@link WithRealInfrastructure}.
 */
public class RealInfrastructureInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		TestPostgres postgres = TestInfrastructure.postgres();
		TestRedis redis = TestInfrastructure.redis();
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.datasource.url", postgres.jdbcUrl());
		if (!postgres.username().isEmpty()) {
			// Otherwise the credentials are parameters of the URL itself.
			properties.put("spring.datasource.username", postgres.username());
			properties.put("spring.datasource.password", postgres.password());
		}
		properties.put("spring.data.redis.url", redis.url());
		properties.put("clipsync.redis.key-prefix", redis.keyPrefix());
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("clipsyncTestInfrastructure", properties));
	}

}
