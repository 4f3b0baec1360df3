package dev.clipsync.auth.account;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.clipsync.auth.AuthApi;
import dev.clipsync.auth.AuthApi.Account;
import dev.clipsync.auth.AuthApi.Response;
import dev.clipsync.auth.AuthApi.Session;
import dev.clipsync.auth.AuthServiceTest;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.testsupport.RedisChannelRecorder;
import dev.clipsync.common.testsupport.TestInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class AccountDeletionTest {

	@LocalServerPort
	int port;

	@Autowired
	StringRedisTemplate redis;

	AuthApi api;

	RedisNames names = new RedisNames(TestInfrastructure.redis().keyPrefix());

	@BeforeEach
	void client() {
		this.api = new AuthApi(this.port);
	}

	@Test
	void deletingTheAccountRemovesEverythingAndSignsOutEveryDevice() {
		Account account = this.api.register();
		Session laptop = this.api.login(account, "Laptop");
		Session phone = this.api.login(account, "Phone");
		try (RedisChannelRecorder signOuts = RedisChannelRecorder.subscribe(this.names.userChannel(account.userId()))) {
			Response delete = this.api.delete("/v1/account", Map.of("password", AuthApi.PASSWORD),
					laptop.accessToken());
			assertThat(delete.status()).isEqualTo(204);
			JsonNode signOut = AuthApi.json.readTree(signOuts.next(Duration.ofSeconds(5)));
			assertThat(signOut.get("reason").asString()).isEqualTo("account_deleted");
			assertThat(signOut.get("deviceIds").valueStream().map(JsonNode::asString))
				.containsExactlyInAnyOrder(laptop.deviceId().toString(), phone.deviceId().toString());
		}
		for (Session session : new Session[] { laptop, phone }) {
			assertThat(this.api.get("/v1/devices", session.accessToken()).status()).isEqualTo(401);
			assertThat(this.api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken())).code())
				.isEqualTo("invalid_token");
		}
		Response login = this.api.post("/v1/auth/login", Map.of("email", account.email(), "password", AuthApi.PASSWORD,
				"device", Map.of("name", "x", "platform", "linux")));
		assertThat(login.status()).isEqualTo(401);
		assertThat(login.code()).isEqualTo("invalid_credentials");
		// the email is free again
		assertThat(this.api.post("/v1/auth/register", Map.of("email", account.email(), "password", "new account!"))
			.status()).isEqualTo(201);
		// and services that keep per-user data learn of it durably
		List<MapRecord<String, Object, Object>> events = this.redis.opsForStream()
			.range(this.names.accountEvents(), Range.unbounded());
		assertThat(events).anySatisfy((event) -> {
			assertThat(event.getValue()).containsEntry("type", "account_deleted");
			assertThat(event.getValue()).containsEntry("userId", account.userId().toString());
		});
	}

	@Test
	void aWrongPasswordIsForbiddenAndDeletesNothing() {
		Session session = this.api.login(this.api.register(), "Laptop");
		Response response = this.api.delete("/v1/account", Map.of("password", "not my password"),
				session.accessToken());
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.code()).isEqualTo("invalid_credentials");
		assertThat(this.api.get("/v1/devices", session.accessToken()).status()).isEqualTo(200);
	}

	@Test
	void deletingNeedsABearerToken() {
		Response response = this.api.delete("/v1/account", Map.of("password", AuthApi.PASSWORD), null);
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.code()).isEqualTo("unauthorized");
	}

}
