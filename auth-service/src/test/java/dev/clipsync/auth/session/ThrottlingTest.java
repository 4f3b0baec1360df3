package dev.clipsync.auth.session;

import java.util.Map;
import java.util.UUID;

import dev.clipsync.auth.AuthApi;
import dev.clipsync.auth.AuthApi.Account;
import dev.clipsync.auth.AuthApi.Response;
import dev.clipsync.auth.AuthServiceTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class ThrottlingTest {

	@LocalServerPort
	int port;

	@Test
	void theEleventhBadLoginForOneEmailIsRateLimitedEvenFromAnotherAddress() {
		Account account = new AuthApi(this.port).register();
		for (int i = 1; i <= 10; i++) {
			// a new client address each time: the per-email limit alone must trip
			Response response = badLogin(new AuthApi(this.port), account.email());
			assertThat(response.status()).as("attempt %d", i).isEqualTo(401);
		}
		Response eleventh = badLogin(new AuthApi(this.port), account.email());
		assertThat(eleventh.status()).isEqualTo(429);
		assertThat(eleventh.code()).isEqualTo("rate_limited");
		long retryAfter = Long.parseLong(eleventh.headers().firstValue("Retry-After").orElseThrow());
		assertThat(retryAfter).isBetween(1L, 15 * 60L);
		// even the right password waits: the limit is checked before the password
		Response right = new AuthApi(this.port).post("/v1/auth/login", Map.of("email", account.email(), "password",
				AuthApi.PASSWORD, "device", Map.of("name", "x", "platform", "linux")));
		assertThat(right.status()).isEqualTo(429);
		// other emails are not affected
		AuthApi other = new AuthApi(this.port);
		other.login(other.register(), "Laptop");
	}

	@Test
	void oneAddressGuessingManyEmailsIsRateLimitedAfterFifty() {
		AuthApi attacker = new AuthApi(this.port);
		for (int i = 1; i <= 50; i++) {
			assertThat(badLogin(attacker, "victim-" + UUID.randomUUID() + "@example.com").status()).as("attempt %d", i)
				.isEqualTo(401);
		}
		Response next = badLogin(attacker, "victim-" + UUID.randomUUID() + "@example.com");
		assertThat(next.status()).isEqualTo(429);
		assertThat(next.headers().firstValue("Retry-After")).isPresent();
	}

	@Test
	void successfulLoginsDoNotCount() {
		AuthApi household = new AuthApi(this.port);
		Account account = household.register();
		for (int i = 0; i < 12; i++) {
			household.login(account, "Device " + i);
		}
	}

	@Test
	void registrationsFromOneAddressAreLimited() {
		AuthApi flood = new AuthApi(this.port);
		for (int i = 1; i <= 20; i++) {
			assertThat(flood
				.post("/v1/auth/register",
						Map.of("email", "flood-" + UUID.randomUUID() + "@example.com", "password", "correct horse"))
				.status()).as("registration %d", i).isEqualTo(201);
		}
		Response next = flood.post("/v1/auth/register",
				Map.of("email", "flood-" + UUID.randomUUID() + "@example.com", "password", "correct horse"));
		assertThat(next.status()).isEqualTo(429);
		assertThat(next.code()).isEqualTo("rate_limited");
		assertThat(next.headers().firstValue("Retry-After")).isPresent();
	}

	private static Response badLogin(AuthApi api, String email) {
		return api.post("/v1/auth/login", Map.of("email", email, "password", "wrong password", "device",
				Map.of("name", "x", "platform", "linux")));
	}

}
