package dev.clipsync.auth.session;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import dev.clipsync.auth.AuthApi;
import dev.clipsync.auth.AuthApi.Account;
import dev.clipsync.auth.AuthApi.Response;
import dev.clipsync.auth.AuthApi.Session;
import dev.clipsync.auth.AuthServiceTest;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.token.InvalidTokenException;
import dev.clipsync.common.token.TokenCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every way of ending a session races a thief who holds the device's refresh token and
 * refreshes in a loop, over real HTTP, many times: the session must end every time. The
 * thief's last tokens are then checked the way the other services check them (published
 * keys and the shared deny list), not only by auth-service's own device records.
 */
@AuthServiceTest
class RevocationRaceTest {

	private static final int ROUNDS = 8;

	@LocalServerPort
	int port;

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	RedisNames names;

	AuthApi api;

	TokenCheck gatewayCheck;

	ExecutorService threads;

	@BeforeEach
	void setUp() {
		this.api = new AuthApi(this.port);
		this.gatewayCheck = TokenCheck.againstPublishedKeys(
				URI.create("http://127.0.0.1:" + this.port + "/.well-known/jwks.json"), "clipsync",
				Duration.ofSeconds(30), Clock.systemUTC(), this.redis, this.names);
		this.threads = Executors.newVirtualThreadPerTaskExecutor();
	}

	@AfterEach
	void tearDown() {
		this.threads.shutdownNow();
	}

	@Test
	void aRevokedDeviceStaysRevokedWhileAThiefRefreshesItsToken() {
		race((owner, stolen) -> this.api.delete("/v1/devices/" + stolen.deviceId(), owner.accessToken()), 204);
	}

	@Test
	void aPasswordChangeSignsOutADeviceWhoseTokenIsBeingRefreshed() {
		race((owner, stolen) -> this.api.post("/v1/auth/password",
				Map.of("currentPassword", AuthApi.PASSWORD, "newPassword", "another long secret"), owner.accessToken()),
				204);
	}

	@Test
	void aLogoutEndsTheSessionWhileAThiefRefreshesIt() {
		race((owner, stolen) -> this.api.post("/v1/auth/logout", "", stolen.accessToken()), 204);
	}

	@Test
	void anAccountDeletionEndsEverySessionWhileAThiefRefreshes() {
		race((owner, stolen) -> this.api.delete("/v1/account", Map.of("password", AuthApi.PASSWORD),
				owner.accessToken()), 204);
	}

	@Test
	void twoConcurrentUsesOfOneRefreshTokenAreReuseAndEndTheSession() throws Exception {
		for (int round = 0; round < ROUNDS * 2; round++) {
			AuthApi client = new AuthApi(this.port);
			Session session = client.login(client.register(), "Laptop");
			CyclicBarrier start = new CyclicBarrier(2);
			List<CompletableFuture<Response>> uses = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				uses.add(CompletableFuture.supplyAsync(() -> {
					await(start);
					return this.api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken()));
				}, this.threads));
			}
			List<Response> answers = uses.stream().map(CompletableFuture::join).toList();
			List<Integer> statuses = answers.stream().map(Response::status).sorted().toList();
			assertThat(statuses).as("round %d", round).containsExactly(200, 401);
			Response loser = answers.stream().filter((r) -> r.status() == 401).findFirst().orElseThrow();
			assertThat(loser.code()).as("round %d", round).isEqualTo("token_reused");
			Session winner = Session
				.of(answers.stream().filter((r) -> r.status() == 200).findFirst().orElseThrow().json());
			assertSessionOver(winner, "round " + round);
		}
	}

	@Test
	void aLoginWithThePasswordBeingChangedNeverOutlivesTheChange() throws Exception {
		for (int round = 0; round < ROUNDS; round++) {
			AuthApi client = new AuthApi(this.port);
			Account account = client.register();
			Session owner = client.login(account, "Laptop");
			long delayMillis = ThreadLocalRandom.current().nextLong(0, 150);
			CompletableFuture<Response> change = CompletableFuture.supplyAsync(() -> this.api.post("/v1/auth/password",
					Map.of("currentPassword", AuthApi.PASSWORD, "newPassword", "another long secret"),
					owner.accessToken()), this.threads);
			CompletableFuture<Response> login = CompletableFuture.supplyAsync(() -> {
				sleep(delayMillis);
				return new AuthApi(this.port).post("/v1/auth/login", Map.of("email", account.email(), "password",
						AuthApi.PASSWORD, "device", Map.of("name", "Old password", "platform", "linux")));
			}, this.threads);
			assertThat(change.join().status()).isEqualTo(204);
			Response loggedIn = login.join();
			if (loggedIn.status() == 200) {
				// it won the race: the change that followed signed it out
				assertSessionOver(Session.of(loggedIn.json()), "round " + round + " (login first)");
			}
			else {
				assertThat(loggedIn.status()).as("round %d", round).isEqualTo(401);
				assertThat(loggedIn.code()).isEqualTo("invalid_credentials");
			}
		}
	}

	/**
	 * A thief refreshes the stolen device's session in a loop while the owner ends it;
	 * afterwards the thief's newest tokens must all be dead.
	 */
	private void race(BiFunction<Session, Session, Response> signOut, int expectedStatus) {
		for (int round = 0; round < ROUNDS; round++) {
			AuthApi client = new AuthApi(this.port);
			Account account = client.register();
			Session owner = client.login(account, "Laptop");
			Session stolen = client.login(account, "Phone");
			AtomicReference<Session> newest = new AtomicReference<>(stolen);
			AtomicBoolean signedOut = new AtomicBoolean();
			AuthApi thief = new AuthApi(this.port);
			CompletableFuture<Integer> refreshing = CompletableFuture.supplyAsync(() -> {
				int afterSignOut = 0;
				while (afterSignOut < 20) {
					Response response = thief.post("/v1/auth/refresh",
							Map.of("refreshToken", newest.get().refreshToken()));
					if (response.status() != 200) {
						return response.status();
					}
					newest.set(Session.of(response.json()));
					if (signedOut.get()) {
						afterSignOut++;
					}
				}
				return 200;
			}, this.threads);
			sleep(ThreadLocalRandom.current().nextLong(5, 40));
			Response response = signOut.apply(owner, stolen);
			signedOut.set(true);
			assertThat(response.status()).as("round %d: %s", round, response).isEqualTo(expectedStatus);
			assertThat(refreshing.join()).as("round %d: the thief's refresh loop ends with", round).isEqualTo(401);
			assertSessionOver(newest.get(), "round " + round);
		}
	}

	/**
	 * Both tokens of the session are refused, by auth-service and by every other service.
	 */
	private void assertSessionOver(Session session, String round) {
		Response refresh = this.api.post("/v1/auth/refresh", Map.of("refreshToken", session.refreshToken()));
		assertThat(refresh.status()).as("%s: refresh token still works", round).isEqualTo(401);
		assertThatExceptionOfType(InvalidTokenException.class).as("%s: access token still honoured", round)
			.isThrownBy(() -> this.gatewayCheck.check(session.accessToken()));
		assertThat(this.api.get("/v1/devices", session.accessToken()).status()).as(round).isEqualTo(401);
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
