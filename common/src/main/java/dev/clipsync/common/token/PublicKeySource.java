package dev.clipsync.common.token;

import java.security.PublicKey;
import java.util.Optional;

/**
 * Where a verifier finds the public key for a token's {@code kid}.
 */
@FunctionalInterface
public interface PublicKeySource {

	/**
	 * The Ed25519 public key with this id, if the issuer currently publishes one.
	 * @param keyId the {@code kid} from the token header
	 * @return the key, or empty when no such key is published
	 */
	Optional<PublicKey> find(String keyId);

}
