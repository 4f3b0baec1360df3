package dev.clipsync.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;

/**
 * The local fleet's token signing key, made once and kept in the data directory, so
 * tokens stay valid across restarts like the data does.
 */
final class SigningKey {

	private SigningKey() {
	}

	static String pem(Path dataDir) throws IOException, GeneralSecurityException {
		Path file = dataDir.resolve("signing-key.pem");
		if (!Files.exists(file)) {
			byte[] pkcs8 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
			String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs8)
					+ "\n-----END PRIVATE KEY-----\n";
			Files.writeString(file, pem, StandardCharsets.US_ASCII);
		}
		return Files.readString(file, StandardCharsets.US_ASCII);
	}

}
