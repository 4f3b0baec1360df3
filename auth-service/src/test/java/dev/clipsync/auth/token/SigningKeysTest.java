package dev.clipsync.auth.token;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.auth.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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

	@Test
	void aSigningKeyNeverPrintsItself() {
		AuthProperties.SigningKey key = new AuthProperties.SigningKey("a", TestKeys.ACTIVE_PEM, TestKeys.NEXT_JWK);
		assertThat(key.toString()).doesNotContain("MC4CAQAw").doesNotContain("TyU5AJK38t0").contains("(hidden)");
	}

	@Test
	void brokenKeysAreReportedWithoutTheirContent() {
		String pem = "-----BEGIN PRIVATE KEY-----c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0-----END PRIVATE KEY-----";
		String jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"c2VjcmV0LWQtdmFsdWU\",\"x\":42}";
		assertThatIllegalStateException()
			.isThrownBy(() -> new SigningKeys(properties(List.of(new AuthProperties.SigningKey("a", pem, null),
					new AuthProperties.SigningKey("b", null, jwk)), null)))
			.withMessageContaining("signing-keys[0]")
			.withMessageContaining("signing-keys[1]")
			.withMessageNotContaining("c2VjcmV0")
			.withMessageNotContaining("c2VjcmV0LWQtdmFsdWU");
	}

	@Test
	void aSecondKeySlotWithoutAFirstFailsWithoutEchoingTheKey() {
		Map<String, String> values = Map.of("clipsync.tokens.signing-keys[1].private-key-pem", TestKeys.ACTIVE_PEM);
		BindException failure = catchThrowableOfType(BindException.class,
				() -> new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("clipsync",
						AuthProperties.class));
		FailureAnalysis analysis = new SigningKeyBindingFailure().analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("MC4CAQAw")
			.contains("signing-keys[0] before signing-keys[1]");
		// and it is the analysis Spring Boot uses
		assertThat(SpringFactoriesLoader.loadFactoryNames(FailureAnalyzer.class, getClass().getClassLoader()))
			.contains(SigningKeyBindingFailure.class.getName());
	}

	@Test
	void keysAreReadFromADirectoryAsAMountedSecretShowsThem(@TempDir Path directory) throws Exception {
		KeyPair next = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
		String nextPem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(next.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		Files.writeString(directory.resolve("key-0.pem"), TestKeys.ACTIVE_PEM);
		Files.writeString(directory.resolve("key-0.id"), "2026-11\n");
		Files.writeString(directory.resolve("key-1.pem"), nextPem);
		Files.writeString(directory.resolve("key-1.id"), "2027-01");
		Files.writeString(directory.resolve("active-key-id"), "2027-01\n");
		Files.createDirectory(directory.resolve("..data")); // what a Secret volume also
															// holds
		SigningKeys keys = new SigningKeys(new Binder(
				new MapConfigurationPropertySource(Map.of("clipsync.tokens.signing-keys-dir", directory.toString())))
			.bindOrCreate("clipsync", AuthProperties.class));
		assertThat(keys.activeKeyId()).isEqualTo("2027-01");
		assertThat(keys.publicJwks()).extracting((jwk) -> jwk.getId()).containsExactly("2026-11", "2027-01");
		assertThat(keys.find("2027-01")).hasValue(next.getPublic());
	}

	@Test
	void aKeyDirectoryWithoutKeysRefusesToStart(@TempDir Path directory) {
		assertThatIllegalStateException()
			.isThrownBy(() -> new SigningKeys(new Binder(new MapConfigurationPropertySource(
					Map.of("clipsync.tokens.signing-keys-dir", directory.toString())))
				.bindOrCreate("clipsync", AuthProperties.class)))
			.withMessageContaining("no key-<n>.pem");
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
