package dev.clipsync.auth.token;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.auth.TestKeys;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

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

	/** Bound as Spring binds it, so every other setting keeps its default. */
	private static AuthProperties properties(List<AuthProperties.SigningKey> keys, String activeKeyId) {
		Map<String, String> values = new HashMap<>();
		for (int i = 0; i < keys.size(); i++) {
			AuthProperties.SigningKey key = keys.get(i);
			String prefix = "clipsync.tokens.signing-keys[" + i + "].";
			if (key.id() != null) {
				values.put(prefix + "id", key.id());
			}
			if (key.privateKeyPem() != null) {
				values.put(prefix + "private-key-pem", key.privateKeyPem());
			}
			if (key.jwk() != null) {
				values.put(prefix + "jwk", key.jwk());
			}
		}
		if (activeKeyId != null) {
			values.put("clipsync.tokens.active-key-id", activeKeyId);
		}
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("clipsync", AuthProperties.class);
	}

}
