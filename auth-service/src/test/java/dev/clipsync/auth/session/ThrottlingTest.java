package dev.clipsync.auth.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import dev.clipsync.auth.AuthApi;
import dev.clipsync.auth.AuthApi.Account;
import dev.clipsync.auth.AuthApi.Response;
import dev.clipsync.auth.AuthApi.Session;
import dev.clipsync.auth.AuthServiceTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class ThrottlingTest {

	@LocalServerPort
	int port;

	@Test
	void theEleventhBadLoginForOneEmailFromOneAddressIsRateLimitedButTheOwnerElsewhereGetsIn() {
		Account account = new AuthApi(this.port).register();
		AuthApi stranger = new AuthApi(this.port);
		for (int i = 1; i <= 10; i++) {
			assertThat(badLogin(stranger, account.email()).status()).as("attempt %d", i).isEqualTo(401);
		}
		Response eleventh = badLogin(stranger, account.email());
		assertThat(eleventh.status()).isEqualTo(429);
		assertThat(eleventh.code()).isEqualTo("rate_limited");
		assertThat(eleventh.contentType()).isEqualTo("application/problem+json");
		long retryAfter = Long.parseLong(eleventh.headers().firstValue("Retry-After").orElseThrow());
		assertThat(retryAfter).isBetween(1L, 15 * 60L);
		// even the right password waits, from that address: the limit comes before bcrypt
		Response right = stranger.post("/v1/auth/login", Map.of("email", account.email(), "password", AuthApi.PASSWORD,
				"device", Map.of("name", "x", "platform", "linux")));
		assertThat(right.status()).isEqualTo(429);
		// the owner, from anywhere else, is not locked out
		new AuthApi(this.port).login(account, "Laptop");
	}

	@Test
	void parallelWrongPasswordsAreReservedBeforeTheyAreCheckedSoOnlyTheLimitGetsThrough() throws Exception {
		Account account = new AuthApi(this.port).register();
		AuthApi attacker = new AuthApi(this.port);
		List<Integer> statuses;
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			CyclicBarrier start = new CyclicBarrier(40);
			List<Future<Integer>> answers = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				answers.add(threads.submit(() -> {
					start.await();
					return badLogin(attacker, account.email()).status();
				}));
			}
			statuses = new ArrayList<>();
			for (Future<Integer> answer : answers) {
				statuses.add(answer.get());
			}
		}
		assertThat(statuses.stream().filter((status) -> status == 401)).hasSize(10);
		assertThat(statuses.stream().filter((status) -> status == 429)).hasSize(30);
	}

	@Test
	void anIpv6ClientCountsAsItsSlash64() {
		Account account = new AuthApi(this.port).register();
		String prefix = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)) + ":7::";
		for (int i = 1; i <= 10; i++) {
			// a new address of the same /64 each time
			assertThat(badLogin(new AuthApi(this.port, prefix + Integer.toHexString(i)), account.email()).status())
				.as("attempt %d", i)
				.isEqualTo(401);
		}
		assertThat(badLogin(new AuthApi(this.port, prefix + "beef"), account.email()).status()).isEqualTo(429);
		// the next /64 is another client
		assertThat(badLogin(new AuthApi(this.port, prefix.replace(":7::", ":8::") + "1"), account.email()).status())
			.isEqualTo(401);
	}

	@Test
	void strangersFailuresNeverBlockASignedInDeviceFromChangingThePassword() {
		AuthApi owner = new AuthApi(this.port);
		Account account = owner.register();
		Session laptop = owner.login(account, "Laptop");
		for (int stranger = 0; stranger < 2; stranger++) {
			AuthApi api = new AuthApi(this.port);
			for (int i = 0; i < 10; i++) {
				badLogin(api, account.email());
			}
		}
		Response change = owner.post("/v1/auth/password",
				Map.of("currentPassword", AuthApi.PASSWORD, "newPassword", "a brand new long secret"),
				laptop.accessToken());
		assertThat(change.status()).isEqualTo(204);
	}

	@Test
	void aSignedInDeviceGuessingItsPasswordIsLimitedToo() {
		AuthApi api = new AuthApi(this.port);
		Session laptop = api.login(api.register(), "Laptop");
		for (int i = 1; i <= 10; i++) {
			Response wrong = api.post("/v1/auth/password",
					Map.of("currentPassword", "not the password", "newPassword", "a brand new long secret"),
					laptop.accessToken());
			assertThat(wrong.status()).as("attempt %d", i).isEqualTo(403);
		}
		Response next = api.post("/v1/auth/password",
				Map.of("currentPassword", AuthApi.PASSWORD, "newPassword", "a brand new long secret"),
				laptop.accessToken());
		assertThat(next.status()).isEqualTo(429);
		assertThat(next.code()).isEqualTo("rate_limited");
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
