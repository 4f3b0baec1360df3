package dev.clipsync.common.token;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Date;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SignatureAlgorithm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BouncyCastleEd25519Test {

	private static final Instant ISSUED = Instant.parse("2026-12-06T12:00:00Z");

	@Test
	void signsTheVeryTokenTheJdkSigns() throws Exception {
		// Ed25519 signatures are deterministic: the same key and message, the same bytes.
		assertSignsAsJjwt("Ed25519");
	}

	@Test
	void leavesEd448ToJjwt() throws Exception {
		assertSignsAsJjwt("Ed448");
	}

	/** Our token is JJWT's own, byte for byte, and verifies with the public key. */
	private static void assertSignsAsJjwt(String curve) throws Exception {
		KeyPair key = KeyPairGenerator.getInstance(curve).generateKeyPair();
		String ours = token(key.getPrivate(), new BouncyCastleEd25519());
		assertThat(ours).isEqualTo(token(key.getPrivate(), Jwts.SIG.EdDSA));
		assertThat(Jwts.parser()
			.clock(() -> Date.from(ISSUED.plusSeconds(60)))
			.verifyWith(key.getPublic())
			.build()
			.parseSignedClaims(ours)
			.getPayload()
			.getSubject()).isEqualTo("someone");
	}

	private static String token(PrivateKey key, SignatureAlgorithm algorithm) {
		return Jwts.builder()
			.header()
			.keyId("k1")
			.and()
			.issuer("clipsync")
			.subject("someone")
			.issuedAt(Date.from(ISSUED))
			.expiration(Date.from(ISSUED.plusSeconds(900)))
			.id("a-fixed-id")
			.signWith(key, algorithm)
			.compact();
	}

}
