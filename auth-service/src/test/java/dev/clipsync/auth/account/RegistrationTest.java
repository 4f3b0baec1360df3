package dev.clipsync.auth.account;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.clipsync.auth.AuthApi;
import dev.clipsync.auth.AuthApi.Response;
import dev.clipsync.auth.AuthServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class RegistrationTest {

	@LocalServerPort
	int port;

	@Autowired
	DataSource dataSource;

	AuthApi api;

	@BeforeEach
	void client() {
		this.api = new AuthApi(this.port);
	}

	@Test
	void registersAndAnswersTheAccount() {
		String email = "ann-" + UUID.randomUUID() + "@example.com";
		Response response = this.api.post("/v1/auth/register",
				Map.of("email", "  " + email + " ", "password", "correct horse", "displayName", "Ann"));
		assertThat(response.status()).isEqualTo(201);
		JsonNode body = response.json();
		assertThat(UUID.fromString(body.get("userId").asString())).isNotNull();
		assertThat(body.get("email").asString()).isEqualTo(email);
		assertThat(body.get("displayName").asString()).isEqualTo("Ann");
		assertThat(Instant.parse(body.get("createdAt").asString())).isBefore(Instant.now().plusSeconds(1));
	}

	@Test
	void displayNameIsOptional() {
		Response response = this.api.post("/v1/auth/register",
				Map.of("email", "noname-" + UUID.randomUUID() + "@example.com", "password", "correct horse"));
		assertThat(response.status()).isEqualTo(201);
		assertThat(response.json().get("displayName").isNull()).isTrue();
	}

	@Test
	void emailIsUniqueRegardlessOfCaseAndSurroundingSpace() {
		String email = "Bob-" + UUID.randomUUID() + "@Example.com";
		assertThat(this.api.post("/v1/auth/register", Map.of("email", email, "password", "correct horse")).status())
			.isEqualTo(201);
		Response again = this.api.post("/v1/auth/register",
				Map.of("email", " " + email.toUpperCase() + " ", "password", "another password"));
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.code()).isEqualTo("email_taken");
		assertThat(again.contentType()).isEqualTo("application/problem+json");
	}

	@Test
	void aRegistrationThatLosesTheRaceForItsEmailIsAConflictNotAnError() throws Exception {
		String email = unique();
		try (Connection rival = this.dataSource.getConnection()) {
			// A concurrent registration of the same email, not yet committed: the
			// service's check does not see it, its insert waits for it and then hits the
			// unique key.
			rival.setAutoCommit(false);
			try (PreparedStatement insert = rival.prepareStatement("""
					insert into auth.users (id, email, email_key, email_skeleton, password_hash, created_at,
					                        password_changed_at)
					values (?, ?, ?, ?, 'not a hash', now(), now())""")) {
				insert.setObject(1, UUID.randomUUID());
				insert.setString(2, email);
				insert.setString(3, EmailAddresses.key(email));
				insert.setString(4, EmailAddresses.skeleton(email));
				insert.executeUpdate();
			}
			CompletableFuture<Response> registration = CompletableFuture.supplyAsync(
					() -> this.api.post("/v1/auth/register", Map.of("email", email, "password", "correct horse")));
			awaitBlockedBy(rival, registration);
			rival.commit();
			Response response = registration.get(30, TimeUnit.SECONDS);
			assertThat(response.status()).as(response.body()).isEqualTo(409);
			assertThat(response.code()).isEqualTo("email_taken");
		}
	}

	@Test
	void emailsWithSqlMetacharactersAndUnicodeAreJustEmails() {
		for (String local : new String[] { "o'brien", "x\"; drop table users; --", "zoë", "用户" }) {
			String email = local + "-" + UUID.randomUUID() + "@example.com";
			Response registered = this.api.post("/v1/auth/register",
					Map.of("email", email, "password", "pässwörd🔑 long"));
			if (registered.status() == 201) {
				this.api.login(Map.of("email", email, "password", "pässwörd🔑 long", "device",
						Map.of("name", "Laptop", "platform", "linux")));
			}
			else {
				assertThat(registered.status()).as(email).isEqualTo(400);
				assertThat(registered.code()).isEqualTo("validation_failed");
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "short", "1234567", "", "elevenchars", "ééééééééééé" })
	void refusesPasswordsUnderTwelveCharacters(String password) {
		Response response = this.api.post("/v1/auth/register", Map.of("email", unique(), "password", password));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("detail").asString())
			.isEqualTo("password must be at least 12 characters and at most 72 bytes in UTF-8");
	}

	@ParameterizedTest
	@ValueSource(strings = { "password1234", "Password1234", "ＰＡＳＳＷＯＲＤ１２３４", "qwertyuiop123", "Password123456!",
			"ILoveYou2024!!", "football12345678", "Superman_1990", "baseball!!!!" })
	void refusesCommonPasswordsWhateverTheirCaseOrWidthOrTheDigitsAndSymbolsAfterThem(String password) {
		Response response = this.api.post("/v1/auth/register", Map.of("email", unique(), "password", password));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("validation_failed");
		assertThat(response.json().get("detail").asString())
			.isEqualTo("password is one of the most common passwords, which attackers try first; choose another");
	}

	@ParameterizedTest
	@ValueSource(strings = { "correct horse battery", "Tr0ub4dor&3 staple", "iloveyou-said-the-cat", "k9#Vq2!x8@Lm" })
	void acceptsPasswordsThatAreNotCommonEvenIfTheyContainACommonOne(String password) {
		assertThat(this.api.post("/v1/auth/register", Map.of("email", unique(), "password", password)).status())
			.isEqualTo(201);
	}

	@Test
	void visuallyIdenticalEmailsCannotBeTwoAccounts() {
		String id = UUID.randomUUID().toString().substring(0, 8);
		assertThat(this.api
			.post("/v1/auth/register", Map.of("email", "paypal-" + id + "@example.com", "password", "correct horse"))
			.status()).isEqualTo(201);
		// a Cyrillic a, and full-width letters (NFKC folds them)
		for (String lookAlike : new String[] { "p\u0430ypal-" + id + "@example.com",
				"\uff50\uff41\uff59\uff50\uff41\uff4c-" + id + "@example.com" }) {
			String email = lookAlike.translateEscapes();
			Response again = this.api.post("/v1/auth/register", Map.of("email", email, "password", "correct horse"));
			assertThat(again.status()).as(email).isEqualTo(409);
			assertThat(again.code()).isEqualTo("email_taken");
		}
		// and the full-width spelling signs in to the same account
		this.api
			.login(Map.of("email", ("\uff50\uff41\uff59\uff50\uff41\uff4c-" + id + "@example.com").translateEscapes(),
					"password", "correct horse", "device", Map.of("name", "Laptop", "platform", "linux")));
	}

	@Test
	void refusesPasswordsOverSeventyTwoBytesInsteadOfCuttingThem() {
		// 25 characters, but 75 bytes in UTF-8: bcrypt would silently ignore the last 3.
		assertValidationFailure(Map.of("email", unique(), "password", "€".repeat(25)), "password");
		assertValidationFailure(Map.of("email", unique(), "password", "a".repeat(73)), "password");
		assertThat(this.api.post("/v1/auth/register", Map.of("email", unique(), "password", "a".repeat(72))).status())
			.isEqualTo(201);
		assertThat(this.api.post("/v1/auth/register", Map.of("email", unique(), "password", "€".repeat(24))).status())
			.isEqualTo(201);
	}

	@Test
	void refusesBadEmails() {
		assertValidationFailure(Map.of("email", "not an email", "password", "correct horse"), "email");
		assertValidationFailure(Map.of("email", "a".repeat(10_000) + "@example.com", "password", "correct horse"),
				"email");
		assertValidationFailure(Map.of("email", "   ", "password", "correct horse"), "email");
		assertValidationFailure(Map.of("password", "correct horse"), "email");
	}

	@Test
	void refusesDisplayNamesWithControlCharactersOrBrokenUnicode() {
		assertValidationFailure(Map.of("email", unique(), "password", "correct horse", "displayName", "Ann\u0000"),
				"displayName");
		assertValidationFailure(Map.of("email", unique(), "password", "correct horse", "displayName", "Ann\u001b[31m"),
				"displayName");
		// a lone surrogate, escaped in the JSON text as a client would send it
		Response loneSurrogate = this.api.post("/v1/auth/register",
				"{\"email\":\"" + unique() + "\",\"password\":\"correct horse\",\"displayName\":\"Ann\\ud800\"}");
		assertThat(loneSurrogate.status()).isEqualTo(400);
		assertThat(loneSurrogate.json().get("errors").findValuesAsString("field")).contains("displayName");
		assertValidationFailure(Map.of("email", unique(), "password", "correct horse", "displayName", "x".repeat(101)),
				"displayName");
	}

	@Test
	void refusesWrongJsonTypesAsValidationFailures() {
		assertValidationFailure(Map.of("email", 42, "password", "correct horse"), "email");
		assertValidationFailure(Map.of("email", unique(), "password", true), "password");
		assertValidationFailure(Map.of("email", unique(), "password", Map.of("a", 1)), "password");
		assertValidationFailure(Map.of("email", java.util.List.of(unique()), "password", "correct horse"), "email");
	}

	private void assertValidationFailure(Map<String, ?> body, String field) {
		Response response = this.api.post("/v1/auth/register", body);
		assertThat(response.status()).as(response.body()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("validation_failed");
		assertThat(response.json().get("errors").findValuesAsString("field")).contains(field);
	}

	/** Until another session waits for a lock the rival holds. */
	private static void awaitBlockedBy(Connection rival, CompletableFuture<?> other)
			throws SQLException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		try (PreparedStatement blocked = rival.prepareStatement(
				"select exists (select 1 from pg_stat_activity where pg_backend_pid() = any (pg_blocking_pids(pid)))")) {
			while (true) {
				try (ResultSet result = blocked.executeQuery()) {
					result.next();
					if (result.getBoolean(1)) {
						return;
					}
				}
				assertThat(other).as("finished without waiting for the rival").isNotDone();
				assertThat(System.nanoTime()).as("waiting for the rival's lock").isLessThan(deadline);
				Thread.sleep(20);
			}
		}
	}

	private static String unique() {
		return "u-" + UUID.randomUUID() + "@example.com";
	}

}
