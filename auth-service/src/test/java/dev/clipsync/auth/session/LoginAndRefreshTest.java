package dev.clipsync.auth.session;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.auth.AuthApi;
import dev.clipsync.auth.AuthApi.Account;
import dev.clipsync.auth.AuthApi.Response;
import dev.clipsync.auth.AuthApi.Session;
import dev.clipsync.auth.AuthServiceTest;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.token.DeviceDenyList;
import dev.clipsync.common.testsupport.RedisChannelRecorder;
import dev.clipsync.common.testsupport.TestInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class LoginAndRefreshTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	DeviceDenyList denyList;

	AuthApi api;

	@BeforeEach
	void client() {
		this.api = new AuthApi(this.port);
	}

	@Test
	void loginWithANewDeviceAnswersATokenPair() {
		Account account = this.api.register();
		Response response = this.api.post("/v1/auth/login", Map.of("email", account.email().toUpperCase(), "password",
				AuthApi.PASSWORD, "device", Map.of("name", "Work laptop", "platform", "macos")));
		assertThat(response.status()).isEqualTo(200);
		JsonNode pair = response.json();
		assertThat(pair.get("tokenType").asString()).isEqualTo("Bearer");
		assertThat(pair.get("expiresIn").asLong()).isEqualTo(900);
		assertThat(pair.get("refreshExpiresIn").asLong()).isEqualTo(2_592_000);
		assertThat(pair.get("userId").asString()).isEqualTo(account.userId().toString());
		assertThat(UUID.fromString(pair.get("deviceId").asString())).isNotNull();
		assertThat(pair.get("accessToken").asString().split("\\.")).hasSize(3);
		// 256 random bits, base64url without padding
		assertThat(pair.get("refreshToken").asString()).matches("[A-Za-z0-9_-]{43}");
	}

	@Test
	void loginWithAnExistingDeviceIdReusesTheDevice() {
		Account account = this.api.register();
		Session first = this.api.login(account, "Phone");
		Session again = this.api
			.login(Map.of("email", account.email(), "password", AuthApi.PASSWORD, "deviceId", first.deviceId()));
		assertThat(again.deviceId()).isEqualTo(first.deviceId());
		assertThat(this.api.get("/v1/devices", again.accessToken()).json()).hasSize(1);
	}

	@Test
	void unknownEmailAndWrongPasswordAreIndistinguishable() {
		Account account = this.api.register();
		Response wrongPassword = this.api.post("/v1/auth/login", Map.of("email", account.email(), "password",
				"wrong password", "device", Map.of("name", "x", "platform", "linux")));
		Response unknownEmail = this.api.post("/v1/auth/login",
				Map.of("email", "nobody-" + UUID.randomUUID() + "@example.com", "password", "wrong password", "device",
						Map.of("name", "x", "platform", "linux")));
		assertThat(wrongPassword.status()).isEqualTo(401);
		assertThat(unknownEmail.status()).isEqualTo(401);
		assertThat(wrongPassword.code()).isEqualTo("invalid_credentials");
		assertThat(unknownEmail.body()).isEqualTo(wrongPassword.body());
	}

	@Test
	void unknownEmailCostsABcryptCheckToo() {
		// Not a speed assertion: without the dummy hash an unknown email answers about 30
		// times faster than a wrong password (no bcrypt at all), far outside any noise.
		Account account = this.api.register();
		long[] wrongPassword = new long[7];
		long[] unknownEmail = new long[7];
		for (int i = 0; i < wrongPassword.length; i++) {
			AuthApi fresh = new AuthApi(this.port);
			wrongPassword[i] = timeLogin(fresh, account.email());
			unknownEmail[i] = timeLogin(fresh, "nobody-" + UUID.randomUUID() + "@example.com");
		}
		double ratio = (double) median(unknownEmail) / median(wrongPassword);
		assertThat(ratio).as("median unknown-email / wrong-password login time").isBetween(0.33, 3.0);
	}

	@Test
	void loginWithARevokedOrForeignDeviceIdIsRefused() {
		Account ann = this.api.register();
		Session annLaptop = this.api.login(ann, "Laptop");
		Session annPhone = this.api.login(ann, "Phone");
		assertThat(this.api.delete("/v1/devices/" + annPhone.deviceId(), annLaptop.accessToken()).status())
			.isEqualTo(204);
		Response revoked = this.api.post("/v1/auth/login",
				Map.of("email", ann.email(), "password", AuthApi.PASSWORD, "deviceId", annPhone.deviceId()));
		assertThat(revoked.status()).isEqualTo(403);
		assertThat(revoked.code()).isEqualTo("device_revoked");

		Account bob = this.api.register();
		Response foreign = this.api.post("/v1/auth/login",
				Map.of("email", bob.email(), "password", AuthApi.PASSWORD, "deviceId", annLaptop.deviceId()));
		assertThat(foreign.status()).isEqualTo(403);
		assertThat(foreign.code()).isEqualTo("device_revoked");
	}

	@Test
	void loginNeedsExactlyOneOfDeviceAndDeviceId() {
		Account account = this.api.register();
		Response neither = this.api.post("/v1/auth/login", Map.of("email", account.email(), "password", "x"));
		assertThat(neither.status()).isEqualTo(400);
		assertThat(neither.code()).isEqualTo("validation_failed");
		assertThat(neither.json().get("detail").asString()).isEqualTo(
				"device is required: give device {\"name\",\"platform\"} to sign in a new device, or deviceId to sign in again on a device you already have");
		assertThat(neither.json().get("errors").findValuesAsString("field")).containsExactly("device");
		Response both = this.api.post("/v1/auth/login", Map.of("email", account.email(), "password", "x", "deviceId",
				UUID.randomUUID(), "device", Map.of("name", "x", "platform", "linux")));
		assertThat(both.status()).isEqualTo(400);
		assertThat(both.json().get("detail").asString())
			.isEqualTo("device and deviceId were both given; give only one of them");
		Response badDeviceId = this.api.post("/v1/auth/login",
				Map.of("email", account.email(), "password", "x", "deviceId", "not-a-uuid"));
		assertThat(badDeviceId.status()).isEqualTo(400);
		assertThat(badDeviceId.json().get("errors").findValuesAsString("field")).contains("deviceId");
		Response blankDevice = this.api.post("/v1/auth/login",
				Map.of("email", account.email(), "password", "x", "device", Map.of("name", "", "platform", "linux")));
		assertThat(blankDevice.status()).isEqualTo(400);
		assertThat(blankDevice.json().get("errors").findValuesAsString("field")).contains("device.name");
	}

	@Test
	void tokenResponsesAreNeverStoredAndNeverSniffed() {
		Account account = this.api.register();
		Response login = this.api.post("/v1/auth/login", Map.of("email", account.email(), "password", AuthApi.PASSWORD,
				"device", Map.of("name", "Laptop", "platform", "linux")));
		Response refresh = this.api.post("/v1/auth/refresh",
				Map.of("refreshToken", login.json().get("refreshToken").asString()));
		Response refused = this.api.post("/v1/auth/refresh", Map.of("refreshToken", "nope"));
		for (Response response : new Response[] { login, refresh, refused }) {
			assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
			assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		}
		Response jwks = this.api.get("/.well-known/jwks.json", null);
		assertThat(jwks.headers().firstValue("Cache-Control")).hasValue("max-age=300, public");
		assertThat(jwks.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
	}

	@Test
	void aSessionEndsAtItsAbsoluteLifetimeHoweverOftenItIsRefreshed() {
		Session session = this.api.login(this.api.register(), "Laptop");
		Session next = Session
			.of(this.api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken())).json());
		// as if the login had been 90 days and a minute ago
		this.jdbc.update("update auth.refresh_tokens set session_started_at = now() - interval '90 days 1 minute'"
				+ " where device_id = ?", next.deviceId());
		Response expired = this.api.post("/v1/auth/refresh", Map.of("refreshToken", next.refreshToken()));
		assertThat(expired.status()).isEqualTo(401);
		assertThat(expired.code()).isEqualTo("invalid_token");
	}

	@Test
	void aRefreshTokenNeverOutlivesItsSession() {
		Session session = this.api.login(this.api.register(), "Laptop");
		this.jdbc.update("update auth.refresh_tokens set session_started_at = now() - interval '89 days'"
				+ " where device_id = ?", session.deviceId());
		Response refreshed = this.api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken()));
		assertThat(refreshed.status()).isEqualTo(200);
		// a day left of the session, not 30
		assertThat(refreshed.json().get("refreshExpiresIn").asLong()).isBetween(86_000L, 86_400L);
	}

	@Test
	void refreshRotatesAndTheOldRefreshTokenIsDead() {
		Session session = this.api.login(this.api.register(), "Laptop");
		Response refreshed = this.api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken()));
		assertThat(refreshed.status()).isEqualTo(200);
		Session next = Session.of(refreshed.json());
		assertThat(next.refreshToken()).isNotEqualTo(session.refreshToken());
		assertThat(next.deviceId()).isEqualTo(session.deviceId());
		assertThat(this.api.get("/v1/devices", next.accessToken()).status()).isEqualTo(200);
		// and the new one rotates too
		assertThat(this.api.post("/v1/auth/refresh", Map.of("refreshToken", next.refreshToken())).status())
			.isEqualTo(200);
	}

	@Test
	void aRefreshAfterASignOutThatNeverCommittedMovesTheDevicePastTheDeniedGeneration() {
		Session session = this.api.login(this.api.register(), "Laptop");
		// the deny entry of a sign-out whose transaction then rolled back: generation 1
		// is refused, yet the device's row still says 1
		this.denyList.deny(session.userId(), session.deviceId(), 2, Duration.ofMinutes(5));
		assertThat(this.api.get("/v1/devices", session.accessToken()).status()).isEqualTo(401);
		Session next = Session
			.of(this.api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken())).json());
		assertThat(this.api.get("/v1/devices", next.accessToken()).status()).isEqualTo(200);
		assertThat(this.jdbc.queryForObject("select generation from auth.devices where id = ?", Long.class,
				session.deviceId()))
			.isEqualTo(2);
		// the new refresh token is of the generation the device now has
		assertThat(this.api.post("/v1/auth/refresh", Map.of("refreshToken", next.refreshToken())).status())
			.isEqualTo(200);
	}

	@Test
	void reusingARotatedRefreshTokenRevokesTheWholeDeviceSession() {
		Session session = this.api.login(this.api.register(), "Laptop");
		Session next = Session
			.of(this.api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken())).json());
		String channel = new RedisNames(TestInfrastructure.redis().keyPrefix()).userChannel(session.userId());
		try (RedisChannelRecorder signOuts = RedisChannelRecorder.subscribe(channel)) {
			Response reuse = this.api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken()));
			assertThat(reuse.status()).isEqualTo(401);
			assertThat(reuse.code()).isEqualTo("token_reused");

			Response stolenNext = this.api.post("/v1/auth/refresh", Map.of("refreshToken", next.refreshToken()));
			assertThat(stolenNext.status()).isEqualTo(401);
			// the winner's token was never used: it is one of the session's tokens the
			// reuse revoked
			assertThat(stolenNext.code()).isEqualTo("invalid_token");
			assertThat(this.api.get("/v1/devices", next.accessToken()).status()).isEqualTo(401);
			JsonNode signOut = AuthApi.json.readTree(signOuts.next(Duration.ofSeconds(5)));
			assertThat(signOut.get("type").asString()).isEqualTo("signout");
			assertThat(signOut.get("reason").asString()).isEqualTo("token_reused");
			assertThat(signOut.get("deviceIds").get(0).asString()).isEqualTo(session.deviceId().toString());
		}
	}

	@Test
	void unknownRefreshTokensAreInvalid() {
		for (String token : new String[] { "nope", "x".repeat(43), "x".repeat(512) }) {
			Response response = this.api.post("/v1/auth/refresh", Map.of("refreshToken", token));
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.code()).isEqualTo("invalid_token");
		}
		Response tooLong = this.api.post("/v1/auth/refresh", Map.of("refreshToken", "x".repeat(513)));
		assertThat(tooLong.status()).isEqualTo(400);
	}

	@Test
	void logoutRevokesTheDevicesRefreshTokensAndAccessToken() {
		Account account = this.api.register();
		Session laptop = this.api.login(account, "Laptop");
		Session phone = this.api.login(account, "Phone");
		assertThat(this.api.post("/v1/auth/logout", "", laptop.accessToken()).status()).isEqualTo(204);
		Response refresh = this.api.post("/v1/auth/refresh", Map.of("refreshToken", laptop.refreshToken()));
		assertThat(refresh.status()).isEqualTo(401);
		assertThat(refresh.code()).isEqualTo("invalid_token");
		assertThat(this.api.get("/v1/devices", laptop.accessToken()).status()).isEqualTo(401);
		// the other device is untouched
		assertThat(this.api.get("/v1/devices", phone.accessToken()).status()).isEqualTo(200);
		// and the logged-out device can log in again with its id
		Session back = this.api
			.login(Map.of("email", account.email(), "password", AuthApi.PASSWORD, "deviceId", laptop.deviceId()));
		assertThat(this.api.get("/v1/devices", back.accessToken()).status()).isEqualTo(200);
	}

	@Test
	void logoutNeedsABearerToken() {
		Response response = this.api.post("/v1/auth/logout", "", null);
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.code()).isEqualTo("unauthorized");
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
	}

	private static long timeLogin(AuthApi api, String email) {
		long start = System.nanoTime();
		Response response = api.post("/v1/auth/login", Map.of("email", email, "password", "wrong password", "device",
				Map.of("name", "x", "platform", "linux")));
		assertThat(response.status()).isEqualTo(401);
		return System.nanoTime() - start;
	}

	private static long median(long[] values) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
