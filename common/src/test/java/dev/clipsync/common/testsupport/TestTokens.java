package dev.clipsync.common.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;

/**
 * An issuer of access tokens for testing services other than auth-service: an Ed25519
 * key, its JWK Set served over real HTTP on loopback, and tokens signed with it exactly
 * as auth-service signs them.
 */
public final class TestTokens implements AutoCloseable {

	public static final String ISSUER = "clipsync";

	private static final String KEY_ID = "test-issuer-key";

	private final KeyPair key = Jwks.CRV.Ed25519.keyPair().build();

	private final HttpServer server;

	public TestTokens() {
		PublicJwk<?> jwk = Jwks.builder().key(this.key.getPublic()).id(KEY_ID).algorithm("EdDSA").build();
		byte[] jwks = ("{\"keys\":[" + Jwks.json(jwk) + "]}").getBytes(StandardCharsets.UTF_8);
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.createContext("/.well-known/jwks.json", (exchange) -> {
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, jwks.length);
			exchange.getResponseBody().write(jwks);
			exchange.close();
		});
		this.server.start();
	}

	public URI jwksUri() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/.well-known/jwks.json");
	}

	/**
	 * A valid 15-minute token for the device.
	 * @param userId the user
	 * @param deviceId the device
	 * @return the compact JWS
	 */
	public String token(UUID userId, UUID deviceId) {
		return token(userId, deviceId, Instant.now(), Duration.ofMinutes(15));
	}

	/**
	 * A valid 15-minute token that names the device, as auth-service's tokens do.
	 */
	public String token(UUID userId, UUID deviceId, String deviceName, String devicePlatform) {
		return builder(userId, deviceId, Instant.now(), Duration.ofMinutes(15)).claim("dname", deviceName)
			.claim("dplat", devicePlatform)
			.signWith(this.key.getPrivate(), Jwts.SIG.EdDSA)
			.compact();
	}

	public String token(UUID userId, UUID deviceId, Instant issuedAt, Duration lifetime) {
		return builder(userId, deviceId, issuedAt, lifetime).signWith(this.key.getPrivate(), Jwts.SIG.EdDSA).compact();
	}

	private JwtBuilder builder(UUID userId, UUID deviceId, Instant issuedAt, Duration lifetime) {
		return Jwts.builder()
			.header()
			.keyId(KEY_ID)
			.and()
			.issuer(ISSUER)
			.subject(userId.toString())
			.claim("did", deviceId.toString())
			.id(UUID.randomUUID().toString())
			.issuedAt(Date.from(issuedAt))
			.expiration(Date.from(issuedAt.plus(lifetime)));
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
