package dev.clipsync.auth.device;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

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
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class DevicesTest {

	@LocalServerPort
	int port;

	@Autowired
	StringRedisTemplate redis;

	AuthApi api;

	@BeforeEach
	void client() {
		this.api = new AuthApi(this.port);
	}

	@Test
	void listsTheUsersActiveDevicesAndMarksTheCallingOne() {
		Account account = this.api.register();
		Session laptop = this.api.login(account, "Laptop");
		Session phone = this.api.login(account, "Phone");
		this.api.login(this.api.register(), "Someone else's");

		Response response = this.api.get("/v1/devices", phone.accessToken());
		assertThat(response.status()).isEqualTo(200);
		JsonNode devices = response.json();
		assertThat(devices).hasSize(2);
		assertThat(devices.get(0).get("deviceId").asString()).isEqualTo(laptop.deviceId().toString());
		assertThat(devices.get(0).get("name").asString()).isEqualTo("Laptop");
		assertThat(devices.get(0).get("platform").asString()).isEqualTo("linux");
		assertThat(devices.get(0).get("current").asBoolean()).isFalse();
		assertThat(devices.get(1).get("deviceId").asString()).isEqualTo(phone.deviceId().toString());
		assertThat(devices.get(1).get("current").asBoolean()).isTrue();
		assertThat(Instant.parse(devices.get(1).get("createdAt").asString())).isNotNull();
		assertThat(Instant.parse(devices.get(1).get("lastSeenAt").asString())).isNotNull();
	}

	@Test
	void aDeviceIsSeenWhenItRefreshesOrLogsInAgain() throws InterruptedException {
		Account account = this.api.register();
		Session laptop = this.api.login(account, "Laptop");
		JsonNode atLogin = this.api.get("/v1/devices", laptop.accessToken()).json().get(0);
		Thread.sleep(10);
		Session refreshed = Session
			.of(this.api.post("/v1/auth/refresh", Map.of("refreshToken", laptop.refreshToken())).json());
		JsonNode atRefresh = this.api.get("/v1/devices", refreshed.accessToken()).json().get(0);
		Thread.sleep(10);
		Session again = this.api
			.login(Map.of("email", account.email(), "password", AuthApi.PASSWORD, "deviceId", laptop.deviceId()));
		JsonNode atLoginAgain = this.api.get("/v1/devices", again.accessToken()).json().get(0);

		assertThat(atLogin.get("lastSeenAt").asString()).isEqualTo(atLogin.get("createdAt").asString());
		assertThat(Instant.parse(atRefresh.get("lastSeenAt").asString()))
			.isAfter(Instant.parse(atLogin.get("lastSeenAt").asString()));
		assertThat(Instant.parse(atLoginAgain.get("lastSeenAt").asString()))
			.isAfter(Instant.parse(atRefresh.get("lastSeenAt").asString()));
		assertThat(atLoginAgain.get("createdAt").asString()).isEqualTo(atLogin.get("createdAt").asString());
	}

	@Test
	void devicesNeedABearerToken() {
		Response response = this.api.get("/v1/devices", null);
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.code()).isEqualTo("unauthorized");
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
	}

	@Test
	void revokingADeviceEndsItsTokensAndTellsTheGateways() {
		Account account = this.api.register();
		Session laptop = this.api.login(account, "Laptop");
		Session phone = this.api.login(account, "Phone");
		String channel = new RedisNames(TestInfrastructure.redis().keyPrefix()).userChannel(account.userId());
		try (RedisChannelRecorder signOuts = RedisChannelRecorder.subscribe(channel)) {
			assertThat(this.api.delete("/v1/devices/" + phone.deviceId(), laptop.accessToken()).status())
				.isEqualTo(204);
			JsonNode signOut = AuthApi.json.readTree(signOuts.next(Duration.ofSeconds(5)));
			assertThat(signOut.get("type").asString()).isEqualTo("signout");
			assertThat(signOut.get("reason").asString()).isEqualTo("device_revoked");
			assertThat(signOut.get("deviceIds")).hasSize(1);
			assertThat(signOut.get("deviceIds").get(0).asString()).isEqualTo(phone.deviceId().toString());
			assertThat(Instant.parse(signOut.get("at").asString())).isNotNull();
		}
		assertThat(this.api.get("/v1/devices", phone.accessToken()).status()).isEqualTo(401);
		// services that list devices learn of it durably
		assertThat(this.redis.opsForStream()
			.range(new RedisNames(TestInfrastructure.redis().keyPrefix()).accountEvents(), Range.unbounded()))
			.anySatisfy((event) -> {
				assertThat(event.getValue()).containsEntry("type", "device_revoked");
				assertThat(event.getValue()).containsEntry("deviceId", phone.deviceId().toString());
			});
		Response refresh = this.api.post("/v1/auth/refresh", Map.of("refreshToken", phone.refreshToken()));
		assertThat(refresh.status()).isEqualTo(401);
		assertThat(refresh.code()).isEqualTo("invalid_token");
		JsonNode remaining = this.api.get("/v1/devices", laptop.accessToken()).json();
		assertThat(remaining).hasSize(1);
		assertThat(remaining.get(0).get("deviceId").asString()).isEqualTo(laptop.deviceId().toString());
	}

	@Test
	void aDeviceCanRevokeItself() {
		Session laptop = this.api.login(this.api.register(), "Laptop");
		assertThat(this.api.delete("/v1/devices/" + laptop.deviceId(), laptop.accessToken()).status()).isEqualTo(204);
		assertThat(this.api.get("/v1/devices", laptop.accessToken()).status()).isEqualTo(401);
	}

	@Test
	void revokingAnUnknownOrForeignOrAlreadyRevokedDeviceIsNotFound() {
		Account annAccount = this.api.register();
		Session ann = this.api.login(annAccount, "Laptop");
		Session annPhone = this.api.login(annAccount, "Phone");
		Session bob = this.api.login(this.api.register(), "Laptop");
		assertNotFound(this.api.delete("/v1/devices/" + UUID.randomUUID(), ann.accessToken()));
		assertNotFound(this.api.delete("/v1/devices/" + bob.deviceId(), ann.accessToken()));
		assertNotFound(this.api.delete("/v1/devices/not-a-uuid", ann.accessToken()));
		assertThat(this.api.delete("/v1/devices/" + annPhone.deviceId(), ann.accessToken()).status()).isEqualTo(204);
		assertNotFound(this.api.delete("/v1/devices/" + annPhone.deviceId(), ann.accessToken()));
		// bob's device is untouched
		assertThat(this.api.get("/v1/devices", bob.accessToken()).status()).isEqualTo(200);
	}

	private static void assertNotFound(Response response) {
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("not_found");
	}

}
