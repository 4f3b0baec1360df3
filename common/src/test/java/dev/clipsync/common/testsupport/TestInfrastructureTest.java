package dev.clipsync.common.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestInfrastructureTest {

	@Test
	void givesEachRunADatabaseOfItsOwn() throws SQLException {
		TestPostgres postgres = TestInfrastructure.postgres();
		Properties credentials = new Properties();
		if (!postgres.username().isEmpty()) {
			credentials.setProperty("user", postgres.username());
			credentials.setProperty("password", postgres.password());
		}
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), credentials);
				ResultSet result = connection.createStatement().executeQuery("select current_database()")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getString(1)).startsWith("clipsync_test_");
		}
		assertThat(TestInfrastructure.postgres()).isSameAs(postgres);
	}

	@Test
	void givesARealRedisAndAPrefixOfItsOwn() {
		TestRedis redis = TestInfrastructure.redis();
		assertThat(redis.keyPrefix()).startsWith("cs-test-");
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			assertThat(connection.sync().ping()).isEqualTo("PONG");
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void replacesTheDatabaseOfAJdbcUrl() {
		assertThat(TestInfrastructure.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres", "x"))
			.isEqualTo("jdbc:postgresql://127.0.0.1:5432/x?user=postgres");
		assertThat(TestInfrastructure.withDatabase("jdbc:postgresql://localhost:15432/test", "y"))
			.isEqualTo("jdbc:postgresql://localhost:15432/y");
	}

}
