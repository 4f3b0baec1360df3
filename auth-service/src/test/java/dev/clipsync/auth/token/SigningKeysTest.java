package dev.clipsync.auth.token;

import java.time.Duration;
import java.util.List;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.auth.TestKeys;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SigningKeysTest {

	@Test
	void withoutConfiguredKeysGeneratesOneAndNamesItByThumbprint() {
		SigningKeys keys = new SigningKeys(properties(List.of(), null));
		assertThat(keys.publicJwks()).hasSize(1);
		assertThat(keys.activeKeyId()).isEqualTo(keys.publicJwks().get(0).getId()).hasSize(43);
		assertThat(keys.find(keys.activeKeyId())).isPresent();
	}

	@Test
	void theFirstKeySignsUnlessAnotherIsNamed() {
		List<AuthProperties.SigningKey> configured = List.of(
				new AuthProperties.SigningKey(TestKeys.ACTIVE_ID, TestKeys.ACTIVE_PEM, null),
				new AuthProperties.SigningKey(null, null, TestKeys.NEXT_JWK));
		assertThat(new SigningKeys(properties(configured, null)).activeKeyId()).isEqualTo(TestKeys.ACTIVE_ID);
		assertThat(new SigningKeys(properties(configured, TestKeys.NEXT_ID)).activeKeyId()).isEqualTo(TestKeys.NEXT_ID);
	}

	@Test
	void refusesToStartWithABrokenKeyAndSaysWhichOne() {
		assertThatIllegalStateException()
			.isThrownBy(
					() -> new SigningKeys(properties(
							List.of(new AuthProperties.SigningKey("a", TestKeys.ACTIVE_PEM, null),
									new AuthProperties.SigningKey("b",
											"-----BEGIN PRIVATE KEY-----bm9wZQ==-----END PRIVATE KEY-----", null)),
							null)))
			.withMessageContaining("signing-keys[1]");
		assertThatIllegalStateException()
			.isThrownBy(
					() -> new SigningKeys(properties(List.of(new AuthProperties.SigningKey("a", null, null)), null)))
			.withMessageContaining("give private-key-pem or jwk");
		assertThatIllegalStateException()
			.isThrownBy(() -> new SigningKeys(
					properties(List.of(new AuthProperties.SigningKey("a", TestKeys.ACTIVE_PEM, null),
							new AuthProperties.SigningKey("a", null, TestKeys.NEXT_JWK)), null)))
			.withMessageContaining("duplicate id a");
		assertThatIllegalStateException()
			.isThrownBy(() -> new SigningKeys(
					properties(List.of(new AuthProperties.SigningKey("a", TestKeys.ACTIVE_PEM, null)), "missing")))
			.withMessageContaining("active-key-id");
	}

	private static AuthProperties properties(List<AuthProperties.SigningKey> keys, String activeKeyId) {
		return new AuthProperties(new AuthProperties.Redis("cs"),
				new AuthProperties.Tokens("clipsync", Duration.ofMinutes(15), Duration.ofDays(30), keys, activeKeyId),
				new AuthProperties.Passwords(10), new AuthProperties.Login(Duration.ofMinutes(15), 10, 50, 20),
				DataSize.ofKilobytes(64),
				new AuthProperties.Discovery("v1", "/v1/auth", "/v1/sync", "/v1/clips", "/v1/presence", "/v1/devices"));
	}

}
