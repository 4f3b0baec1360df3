package dev.clipsync.auth.account;

import java.time.Duration;
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

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class PasswordChangeTest {

	@LocalServerPort
	int port;

	AuthApi api;

	@BeforeEach
	void client() {
		this.api = new AuthApi(this.port);
	}

	@Test
	void changingThePasswordSignsOutEveryOtherDevice() {
		Account account = this.api.register();
		Session laptop = this.api.login(account, "Laptop");
		Session phone = this.api.login(account, "Phone");
		Session tablet = this.api.login(account, "Tablet");
		String channel = new RedisNames(TestInfrastructure.redis().keyPrefix()).userChannel(account.userId());
		try (RedisChannelRecorder signOuts = RedisChannelRecorder.subscribe(channel)) {
			Response change = this.api.post("/v1/auth/password",
					Map.of("currentPassword", AuthApi.PASSWORD, "newPassword", "a brand new secret"),
					laptop.accessToken());
			assertThat(change.status()).isEqualTo(204);
			JsonNode signOut = AuthApi.json.readTree(signOuts.next(Duration.ofSeconds(5)));
			assertThat(signOut.get("reason").asString()).isEqualTo("password_changed");
			assertThat(signOut.get("deviceIds").valueStream().map(JsonNode::asString))
				.containsExactlyInAnyOrder(phone.deviceId().toString(), tablet.deviceId().toString());
		}
		// the device that changed it stays signed in
		assertThat(this.api.get("/v1/devices", laptop.accessToken()).status()).isEqualTo(200);
		assertThat(this.api.post("/v1/auth/refresh", Map.of("refreshToken", laptop.refreshToken())).status())
			.isEqualTo(200);
		// the others are out: access and refresh tokens
		for (Session other : new Session[] { phone, tablet }) {
			assertThat(this.api.get("/v1/devices", other.accessToken()).status()).isEqualTo(401);
			Response refresh = this.api.post("/v1/auth/refresh", Map.of("refreshToken", other.refreshToken()));
			assertThat(refresh.status()).isEqualTo(401);
			assertThat(refresh.code()).isEqualTo("invalid_token");
		}
		// the old password is gone, the new one works, also for a signed-out device's id
		Response oldPassword = this.api.post("/v1/auth/login",
				Map.of("email", account.email(), "password", AuthApi.PASSWORD, "deviceId", phone.deviceId()));
		assertThat(oldPassword.status()).isEqualTo(401);
		Session phoneAgain = this.api
			.login(Map.of("email", account.email(), "password", "a brand new secret", "deviceId", phone.deviceId()));
		assertThat(this.api.get("/v1/devices", phoneAgain.accessToken()).status()).isEqualTo(200);
	}

	@Test
	void aWrongCurrentPasswordIsForbidden() {
		Session session = this.api.login(this.api.register(), "Laptop");
		Response response = this.api.post("/v1/auth/password",
				Map.of("currentPassword", "not my password", "newPassword", "a brand new secret"),
				session.accessToken());
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.code()).isEqualTo("invalid_credentials");
	}

	@Test
	void theNewPasswordMustFitThePolicy() {
		Session session = this.api.login(this.api.register(), "Laptop");
		Response response = this.api.post("/v1/auth/password",
				Map.of("currentPassword", AuthApi.PASSWORD, "newPassword", "short"), session.accessToken());
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("validation_failed");
		assertThat(response.json().get("errors").findValuesAsString("field")).containsExactly("newPassword");
	}

	@Test
	void changingThePasswordNeedsABearerToken() {
		Response response = this.api.post("/v1/auth/password",
				Map.of("currentPassword", AuthApi.PASSWORD, "newPassword", "a brand new secret"), null);
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.code()).isEqualTo("unauthorized");
	}

}
