package dev.clipsync.auth.token;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.PublicKeySource;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.OctetPrivateJwk;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.PublicJwk;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The Ed25519 keys of this issuer: the active one signs new tokens, all of them are
 * published, so a key can be added before it becomes active and kept after it stops
 * signing, and key rotation logs no one out.
 */
@Component
public class SigningKeys implements PublicKeySource {

	private static final Logger logger = LoggerFactory.getLogger(SigningKeys.class);

	private final Map<String, PrivateJwk<?, ?, ?>> keys;

	private final String activeKeyId;

	SigningKeys(AuthProperties properties) {
		AuthProperties.Tokens tokens = properties.tokens();
		String activeKeyId = tokens.activeKeyId();
		if (tokens.signingKeysDir() != null) {
			KeyDirectory directory = KeyDirectory.read(tokens.signingKeysDir());
			this.keys = configured(directory.keys());
			activeKeyId = (activeKeyId != null) ? activeKeyId : directory.activeKeyId();
		}
		else {
			this.keys = tokens.signingKeys().isEmpty() ? generated() : configured(tokens.signingKeys());
		}
		this.activeKeyId = (activeKeyId != null) ? activeKeyId : this.keys.keySet().iterator().next();
		if (!this.keys.containsKey(this.activeKeyId)) {
			throw new IllegalStateException("clipsync.tokens.active-key-id '" + this.activeKeyId
					+ "' names none of the configured signing keys " + this.keys.keySet());
		}
	}

	String activeKeyId() {
		return this.activeKeyId;
	}

	PrivateKey activeKey() {
		return this.keys.get(this.activeKeyId).toKey();
	}

	/**
	 * The public halves of all keys, as JWKs.
	 * @return one public JWK per key, with {@code kid}, {@code alg} and {@code use}
	 */
	List<PublicJwk<?>> publicJwks() {
		return this.keys.values().stream().<PublicJwk<?>>map(PrivateJwk::toPublicJwk).toList();
	}

	@Override
	public Optional<PublicKey> find(String keyId) {
		return Optional.ofNullable(this.keys.get(keyId)).map((jwk) -> jwk.toPublicJwk().toKey());
	}

	private static Map<String, PrivateJwk<?, ?, ?>> generated() {
		PrivateJwk<?, ?, ?> jwk = Jwks.builder()
			.octetKeyPair(Jwks.CRV.Ed25519.keyPair().build())
			.algorithm(AccessToken.ALGORITHM)
			.publicKeyUse("sig")
			.idFromThumbprint()
			.build();
		logger.warn("""

				*****************************************************************************
				No signing key configured (clipsync.tokens.signing-keys): generated a throwaway
				Ed25519 key {}. Tokens die when this process stops, and other auth-service
				replicas cannot verify them. Fine for development; configure keys in production.
				*****************************************************************************""", jwk.getId());
		return Map.of(jwk.getId(), jwk);
	}

	private static Map<String, PrivateJwk<?, ?, ?>> configured(List<AuthProperties.SigningKey> configured) {
		Map<String, PrivateJwk<?, ?, ?>> keys = new LinkedHashMap<>();
		List<String> problems = new ArrayList<>();
		for (int i = 0; i < configured.size(); i++) {
			try {
				PrivateJwk<?, ?, ?> jwk = load(configured.get(i));
				if (keys.putIfAbsent(jwk.getId(), jwk) != null) {
					problems.add("signing-keys[" + i + "]: duplicate id " + jwk.getId());
				}
			}
			catch (IllegalArgumentException ex) {
				problems.add("signing-keys[" + i + "]: " + ex.getMessage());
			}
			catch (RuntimeException | GeneralSecurityException ex) {
				// The library's own message may quote the key: say only what kind of
				// failure it was.
				problems.add("signing-keys[" + i + "]: not a valid Ed25519 private key ("
						+ ex.getClass().getSimpleName() + ")");
			}
		}
		if (!problems.isEmpty()) {
			throw new IllegalStateException("Invalid clipsync.tokens.signing-keys: " + problems);
		}
		return keys;
	}

	private static PrivateJwk<?, ?, ?> load(AuthProperties.SigningKey key) throws GeneralSecurityException {
		PrivateKey privateKey;
		String id = key.id();
		if (key.privateKeyPem() != null && !key.privateKeyPem().isBlank()) {
			privateKey = KeyFactory.getInstance("Ed25519")
				.generatePrivate(new PKCS8EncodedKeySpec(pemBody(key.privateKeyPem())));
		}
		else if (key.jwk() != null && !key.jwk().isBlank()) {
			Jwk<?> jwk;
			try {
				jwk = Jwks.parser().build().parse(key.jwk());
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("the JWK cannot be parsed (" + ex.getClass().getSimpleName() + ")");
			}
			if (!(jwk instanceof OctetPrivateJwk<?, ?> octet) || !"Ed25519".equals(jwk.get("crv"))) {
				throw new IllegalArgumentException("the JWK is not an Ed25519 private key");
			}
			privateKey = octet.toKey();
			id = (id != null) ? id : jwk.getId();
		}
		else {
			throw new IllegalArgumentException("give private-key-pem or jwk");
		}
		var builder = Jwks.builder().octetKey(privateKey).algorithm(AccessToken.ALGORITHM).publicKeyUse("sig");
		return (id != null) ? builder.id(id).build() : builder.idFromThumbprint().build();
	}

	/**
	 * Signing keys as files, as a Kubernetes Secret mounted as a volume shows them: keys
	 * never pass through environment variables, which leak into process listings, crash
	 * reports and {@code kubectl describe}.
	 */
	private record KeyDirectory(List<AuthProperties.SigningKey> keys, @Nullable String activeKeyId) {

		private static final java.util.regex.Pattern KEY_FILE = java.util.regex.Pattern.compile("key-(\\d+)\\.pem");

		static KeyDirectory read(Path directory) {
			if (!Files.isDirectory(directory)) {
				throw new IllegalStateException(
						"clipsync.tokens.signing-keys-dir " + directory + " is not a readable directory");
			}
			try (var files = Files.list(directory)) {
				List<Integer> slots = files.map((file) -> KEY_FILE.matcher(file.getFileName().toString()))
					.filter(java.util.regex.Matcher::matches)
					.map((matcher) -> Integer.parseInt(matcher.group(1)))
					.sorted()
					.toList();
				if (slots.isEmpty()) {
					throw new IllegalStateException("clipsync.tokens.signing-keys-dir " + directory
							+ " holds no key-<n>.pem file; put the Ed25519 private keys there");
				}
				List<AuthProperties.SigningKey> keys = new ArrayList<>();
				for (int slot : slots) {
					keys.add(new AuthProperties.SigningKey(readOptional(directory.resolve("key-" + slot + ".id")),
							Files.readString(directory.resolve("key-" + slot + ".pem")), null));
				}
				return new KeyDirectory(keys, readOptional(directory.resolve("active-key-id")));
			}
			catch (IOException ex) {
				throw new IllegalStateException(
						"Could not read the signing keys in " + directory + ": " + ex.getClass().getSimpleName(), ex);
			}
		}

		private static @Nullable String readOptional(Path file) throws IOException {
			if (!Files.isRegularFile(file)) {
				return null;
			}
			String text = Files.readString(file).strip();
			return text.isEmpty() ? null : text;
		}

	}

	private static byte[] pemBody(String pem) {
		String body = pem.replace("-----BEGIN PRIVATE KEY-----", "")
			.replace("-----END PRIVATE KEY-----", "")
			.replaceAll("\\s", "");
		return Base64.getDecoder().decode(body);
	}

}
