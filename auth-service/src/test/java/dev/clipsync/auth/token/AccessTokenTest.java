package dev.clipsync.auth.token;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import javax.crypto.spec.SecretKeySpec;

import dev.clipsync.auth.AuthApi;
import dev.clipsync.auth.AuthApi.Response;
import dev.clipsync.auth.AuthApi.Session;
import dev.clipsync.auth.AuthServiceTest;
import dev.clipsync.auth.TestKeys;
import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.AccessTokenVerifier;
import dev.clipsync.common.token.JwksClient;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class AccessTokenTest {

	@LocalServerPort
	int port;

	AuthApi api;

	@BeforeEach
	void client() {
		this.api = new AuthApi(this.port);
	}

	@Test
	void publishesEveryConfiguredKeyAsAJwkSet() {
		Response response = this.api.get("/.well-known/jwks.json", null);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("max-age=300, public");
		JsonNode keys = response.json().get("keys");
		assertThat(keys.findValuesAsString("kid")).containsExactly(TestKeys.ACTIVE_ID, TestKeys.NEXT_ID);
		for (JsonNode key : keys) {
			assertThat(key.get("kty").asString()).isEqualTo("OKP");
			assertThat(key.get("crv").asString()).isEqualTo("Ed25519");
			assertThat(key.get("alg").asString()).isEqualTo("EdDSA");
			assertThat(key.has("d")).as("private part must never be published").isFalse();
		}
	}

	@Test
	void issuedTokensVerifyAgainstThePublishedJwkSet() {
		Session session = this.api.login(this.api.register(), "Laptop");
		JwksClient jwks = new JwksClient(URI.create("http://127.0.0.1:" + this.port + "/.well-known/jwks.json"),
				HttpClient.newHttpClient(), Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofSeconds(30));
		AccessToken token = new AccessTokenVerifier(jwks, "clipsync", Clock.systemUTC(), Duration.ofSeconds(30))
			.verify(session.accessToken());
		assertThat(token.userId()).isEqualTo(session.userId());
		assertThat(token.deviceId()).isEqualTo(session.deviceId());
		assertThat(Duration.between(token.issuedAt(), token.expiresAt())).isEqualTo(Duration.ofMinutes(15));
		assertThat(token.tokenId()).isNotBlank();
		JsonNode header = AuthApi.json.readTree(decode(session.accessToken().split("\\.")[0]));
		assertThat(header.get("alg").asString()).isEqualTo("EdDSA");
		assertThat(header.get("kid").asString()).isEqualTo(TestKeys.ACTIVE_ID);
		JsonNode claims = AuthApi.json.readTree(decode(session.accessToken().split("\\.")[1]));
		assertThat(claims.get("iss").asString()).isEqualTo("clipsync");
		assertThat(claims.get("sub").asString()).isEqualTo(session.userId().toString());
		assertThat(claims.get("did").asString()).isEqualTo(session.deviceId().toString());
		assertThat(token.deviceName()).isEqualTo("Laptop");
		assertThat(token.devicePlatform()).isEqualTo("linux");
	}

	@Test
	void aTokenSignedWithTheServiceKeyButForgedClaimsIsOnlyAcceptedWhenValid() throws Exception {
		Session session = this.api.login(this.api.register(), "Laptop");
		Instant now = Instant.now();
		// sanity: the forging path itself produces accepted tokens
		assertThat(status(forged(session, now).signWith(activeKey(), Jwts.SIG.EdDSA).compact())).isEqualTo(200);

		assertRefused(forged(session, now.minus(Duration.ofHours(1))).signWith(activeKey(), Jwts.SIG.EdDSA).compact());
		assertRefused(forged(session, now).notBefore(Date.from(now.plus(Duration.ofMinutes(10))))
			.signWith(activeKey(), Jwts.SIG.EdDSA)
			.compact());
		assertRefused(
				forged(session, now.plus(Duration.ofMinutes(10))).signWith(activeKey(), Jwts.SIG.EdDSA).compact());
		assertRefused(forged(session, now).issuer("someone-else").signWith(activeKey(), Jwts.SIG.EdDSA).compact());
		assertRefused(forged(session, now).claim("did", null).signWith(activeKey(), Jwts.SIG.EdDSA).compact());
		assertRefused(forged(session, now).expiration(null).signWith(activeKey(), Jwts.SIG.EdDSA).compact());
	}

	@Test
	void tokensFromAnyOtherKeyOrAlgorithmAreRefused() throws Exception {
		Session session = this.api.login(this.api.register(), "Laptop");
		Instant now = Instant.now();
		// an unknown key, with our kid and with its own
		PrivateKey stranger = Jwks.CRV.Ed25519.keyPair().build().getPrivate();
		assertRefused(forged(session, now).signWith(stranger, Jwts.SIG.EdDSA).compact());
		assertRefused(
				forged(session, now).header().keyId("unknown-key").and().signWith(stranger, Jwts.SIG.EdDSA).compact());
		// HS256 with the published public key as the HMAC secret (the classic confusion
		// attack); the 32-byte Ed25519 key is exactly long enough for HS256
		byte[] publicKey = Base64.getUrlDecoder()
			.decode(this.api.get("/.well-known/jwks.json", null).json().get("keys").get(0).get("x").asString());
		String hmac = forged(session, now).signWith(new SecretKeySpec(publicKey, "HmacSHA256"), Jwts.SIG.HS256)
			.compact();
		assertRefused(hmac);
		// alg none: the real claims, no signature
		String[] real = session.accessToken().split("\\.");
		String none = encode("{\"alg\":\"none\",\"kid\":\"" + TestKeys.ACTIVE_ID + "\"}") + "." + real[1] + ".";
		assertRefused(none);
		// tampered: another user's id in a validly signed token's payload
		JsonNode claims = AuthApi.json.readTree(decode(real[1]));
		String tamperedPayload = encode(
				claims.toString().replace(session.userId().toString(), UUID.randomUUID().toString()));
		assertRefused(real[0] + "." + tamperedPayload + "." + real[2]);
		// garbage
		assertRefused("not.a.jwt");
		assertRefused("x".repeat(5000));
	}

	@Test
	void theSecondPublishedKeyIsAcceptedSoRotationLogsNoOneOut() throws Exception {
		Session session = this.api.login(this.api.register(), "Laptop");
		PrivateJwk<?, ?, ?> jwk = (PrivateJwk<?, ?, ?>) Jwks.parser().build().parse(TestKeys.NEXT_JWK);
		PrivateKey next = (PrivateKey) jwk.toKey();
		String token = forged(session, Instant.now()).header()
			.keyId(TestKeys.NEXT_ID)
			.and()
			.signWith(next, Jwts.SIG.EdDSA)
			.compact();
		assertThat(status(token)).isEqualTo(200);
	}

	private JwtBuilder forged(Session session, Instant issuedAt) {
		return Jwts.builder()
			.header()
			.keyId(TestKeys.ACTIVE_ID)
			.and()
			.issuer("clipsync")
			.subject(session.userId().toString())
			.claim("did", session.deviceId().toString())
			.id(UUID.randomUUID().toString())
			.issuedAt(Date.from(issuedAt))
			.expiration(Date.from(issuedAt.plus(Duration.ofMinutes(15))));
	}

	private void assertRefused(String token) {
		Response response = this.api.get("/v1/devices", token);
		assertThat(response.status()).as(token).isEqualTo(401);
		assertThat(response.code()).isEqualTo("unauthorized");
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
	}

	private int status(String token) {
		return this.api.get("/v1/devices", token).status();
	}

	private static PrivateKey activeKey() throws Exception {
		String base64 = TestKeys.ACTIVE_PEM.replace("-----BEGIN PRIVATE KEY-----", "")
			.replace("-----END PRIVATE KEY-----", "");
		return KeyFactory.getInstance("Ed25519")
			.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
	}

	private static String decode(String base64url) {
		return new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8);
	}

	private static String encode(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
