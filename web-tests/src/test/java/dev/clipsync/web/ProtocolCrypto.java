package dev.clipsync.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import dev.clipsync.common.testsupport.SyncClient;
import tools.jackson.databind.JsonNode;

/**
 * End-to-end encryption of PROTOCOL.md done with the JDK's own crypto, independently of
 * the page's WebCrypto code: what one seals the other must open.
 */
final class ProtocolCrypto {

	private static final SecureRandom random = new SecureRandom();

	private final SecretKeySpec key;

	private final String userId;

	ProtocolCrypto(String passphrase, String userId) throws Exception {
		PBEKeySpec spec = new PBEKeySpec(Normalizer.normalize(passphrase, Normalizer.Form.NFC).toCharArray(),
				("clipsync-e2e-v1:" + userId).getBytes(StandardCharsets.UTF_8), 600_000, 256);
		this.key = new SecretKeySpec(
				SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded(), "AES");
		this.userId = userId;
	}

	/** The {@code data} of an encrypted push of a text clip with this id. */
	String seal(String id, String text) throws Exception {
		byte[] plaintext = SyncClient.json
			.writeValueAsBytes(Map.of("mime", "text/plain", "encoding", "utf8", "data", text));
		byte[] nonce = new byte[12];
		random.nextBytes(nonce);
		Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
		cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(128, nonce));
		cipher.updateAAD((this.userId + ":" + id).getBytes(StandardCharsets.UTF_8));
		byte[] sealed = cipher.doFinal(plaintext);
		return Base64.getEncoder()
			.encodeToString(ByteBuffer.allocate(1 + 12 + sealed.length).put((byte) 1).put(nonce).put(sealed).array());
	}

	/** The inner {mime, encoding, data} of an encrypted clip. */
	JsonNode open(String id, String data) throws Exception {
		byte[] bytes = Base64.getDecoder().decode(data);
		if (bytes[0] != 1) {
			throw new IllegalArgumentException("format version " + bytes[0]);
		}
		Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
		cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(128, bytes, 1, 12));
		cipher.updateAAD((this.userId + ":" + id).getBytes(StandardCharsets.UTF_8));
		return SyncClient.json.readTree(cipher.doFinal(bytes, 13, bytes.length - 13));
	}

}
