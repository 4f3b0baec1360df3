package dev.clipsync.client.e2e;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Interoperability with other clients: the vector below was computed independently with
 * Node's built-in crypto module (and the key checked with
 * {@code openssl kdf ... PBKDF2}), following PROTOCOL.md's "End-to-end encryption" word
 * for word:
 *
 * <pre>
 * const key = crypto.pbkdf2Sync(Buffer.from(pass.normalize('NFC'), 'utf8'),
 *     Buffer.from('clipsync-e2e-v1:' + userId, 'utf8'), 600000, 32, 'sha256');
 * const c = crypto.createCipheriv('aes-256-gcm', key, nonce);
 * c.setAAD(Buffer.from(userId + ':' + clipId, 'utf8'));
 * sealed = base64(0x01 || nonce || c.update(plaintext) || c.final() || c.getAuthTag())
 * </pre>
 */
class ClipCipherTest {

	static final UUID USER = UUID.fromString("6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b");

	static final UUID CLIP = UUID.fromString("9b2f0c1e-7d6a-4b3c-9e8f-1a2b3c4d5e6f");

	/** Typed decomposed (e + combining acute): normalized to NFC before derivation. */
	static final String PASSPHRASE = "Cafe\u0301 \u2615 correct horse";

	static final String KEY = "e7b61583188f391f93e117c26aceca56581bea7f2916b7af7e792f8c0dbf500f";

	static final String PLAINTEXT = "{\"mime\":\"text/plain\",\"encoding\":\"utf8\",\"data\":\"h\u00e9llo \uD83C\uDF0D\"}";

	static final byte[] NONCE = HexFormat.of().parseHex("000102030405060708090a0b");

	static final String SEALED = "AQABAgMEBQYHCAkKC01B+S6nzIQOBjGv0X18aW2dczPHe+4rKKnuInPMrWpymRiDIeqgkKCYFQgGYVIDulEVvWuxcM63QAccVUWZi365HUuzoA0OzyLp6Xo=";

	@Test
	void derivesTheSameKeyAsAnIndependentImplementation() {
		assertThat(HexFormat.of().formatHex(ClipCipher.deriveKey(PASSPHRASE, USER))).isEqualTo(KEY);
	}

	@Test
	void sealsExactlyAsAnIndependentImplementation() {
		ClipCipher cipher = new ClipCipher(HexFormat.of().parseHex(KEY), USER);
		assertThat(cipher.seal(CLIP, PLAINTEXT.getBytes(StandardCharsets.UTF_8), NONCE)).isEqualTo(SEALED);
	}

	@Test
	void opensWhatAnIndependentImplementationSealed() throws Exception {
		ClipCipher cipher = new ClipCipher(HexFormat.of().parseHex(KEY), USER);
		assertThat(new String(cipher.open(CLIP, SEALED), StandardCharsets.UTF_8)).isEqualTo(PLAINTEXT);
	}

	@Test
	void anotherPassphraseATamperedByteOrAnotherClipsIdLeavesTheClipLocked() {
		ClipCipher other = new ClipCipher(ClipCipher.pbkdf2Sha256("other".getBytes(StandardCharsets.UTF_8),
				("clipsync-e2e-v1:" + USER).getBytes(StandardCharsets.UTF_8), 1000), USER);
		assertThatExceptionOfType(ClipCipher.LockedException.class).isThrownBy(() -> other.open(CLIP, SEALED));
		ClipCipher right = new ClipCipher(HexFormat.of().parseHex(KEY), USER);
		assertThatExceptionOfType(ClipCipher.LockedException.class)
			.isThrownBy(() -> right.open(UUID.randomUUID(), SEALED));
		byte[] tampered = java.util.Base64.getDecoder().decode(SEALED);
		tampered[20] ^= 1;
		assertThatExceptionOfType(ClipCipher.LockedException.class)
			.isThrownBy(() -> right.open(CLIP, java.util.Base64.getEncoder().encodeToString(tampered)));
		assertThatExceptionOfType(ClipCipher.LockedException.class).isThrownBy(() -> right.open(CLIP, "not base64!"));
	}

	@Test
	void everySealUsesAFreshNonce() throws Exception {
		ClipCipher cipher = new ClipCipher(HexFormat.of().parseHex(KEY), USER);
		byte[] plaintext = PLAINTEXT.getBytes(StandardCharsets.UTF_8);
		String first = cipher.seal(CLIP, plaintext);
		String second = cipher.seal(CLIP, plaintext);
		assertThat(first).isNotEqualTo(second);
		assertThat(cipher.open(CLIP, first)).isEqualTo(plaintext);
		assertThat(java.util.Base64.getDecoder().decode(first)[0]).isEqualTo((byte) 1);
	}

}
