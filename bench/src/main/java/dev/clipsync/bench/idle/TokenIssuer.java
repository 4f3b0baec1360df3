package dev.clipsync.bench.idle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;

/**
 * Stands in for auth-service: an Ed25519 key, its JWK Set served on loopback where the
 * gateway was told to fetch it ({@code clipsync.tokens.jwks-uri}), and access tokens
 * signed with it the way auth-service signs them. The delivery bench uses it too.
 */
public final class TokenIssuer implements AutoCloseable {

	static final String PATH = "/.well-known/jwks.json";

	private final String keyId = "bench-" + UUID.randomUUID().toString().substring(0, 8);

	private final KeyPair key = Jwks.CRV.Ed25519.keyPair().build();

	private final String issuer;

	private final HttpServer server;

	public TokenIssuer(String host, int port, String issuer) throws IOException {
		this.issuer = issuer;
		PublicJwk<?> jwk = Jwks.builder().key(this.key.getPublic()).id(this.keyId).algorithm("EdDSA").build();
		byte[] jwks = ("{\"keys\":[" + Jwks.json(jwk) + "]}").getBytes(StandardCharsets.UTF_8);
		this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
		this.server.createContext(PATH, (exchange) -> {
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, jwks.length);
			exchange.getResponseBody().write(jwks);
			exchange.close();
		});
		this.server.start();
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	/**
	 * An access token for the device.
	 * @param userId the {@code sub}
	 * @param deviceId the {@code did}
	 * @param lifetime from now to {@code exp}
	 * @return the compact JWS
	 */
	public String token(UUID userId, UUID deviceId, Duration lifetime) {
		Instant now = Instant.now();
		return Jwts.builder()
			.header()
			.keyId(this.keyId)
			.and()
			.issuer(this.issuer)
			.subject(userId.toString())
			.claim("did", deviceId.toString())
			.id(UUID.randomUUID().toString())
			.issuedAt(Date.from(now))
			.expiration(Date.from(now.plus(lifetime)))
			.signWith(this.key.getPrivate(), Jwts.SIG.EdDSA)
			.compact();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
