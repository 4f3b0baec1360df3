package dev.clipsync.common.token;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The verifier against a JWK Set served over real HTTP, and every kind of token it must
 * refuse.
 */
class AccessTokenVerifierTest {

	private static final String ISSUER = "https://auth.example";

	private final KeyPair key = Jwks.CRV.Ed25519.keyPair().build();

	private final List<Jwk<?>> published = new CopyOnWriteArrayList<>();

	private final AtomicInteger fetches = new AtomicInteger();

	private HttpServer server;

	private Instant now = Instant.parse("2026-11-22T12:00:00Z");

	private AccessTokenVerifier verifier;

	private AccessTokenVerifier caching;

	@BeforeEach
	void serveJwks() throws IOException {
		this.published.add(publicJwk(this.key, "k1"));
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/jwks.json", (exchange) -> {
			this.fetches.incrementAndGet();
			byte[] body = jwkSet().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.start();
		Clock clock = new Clock() {
			@Override
			public ZoneOffset getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}

			@Override
			public Instant instant() {
				return AccessTokenVerifierTest.this.now;
			}
		};
		JwksClient jwks = new JwksClient(
				URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/jwks.json"),
				HttpClient.newHttpClient(), clock, Duration.ofMinutes(5), Duration.ofSeconds(30));
		this.verifier = new AccessTokenVerifier(jwks, ISSUER, clock, Duration.ofSeconds(30));
		this.caching = new AccessTokenVerifier(jwks, ISSUER, clock, Duration.ofSeconds(30), 100);
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void acceptsAValidToken() {
		UUID user = UUID.randomUUID();
		UUID device = UUID.randomUUID();
		AccessToken token = this.verifier.verify(token(this.now).subject(user.toString())
			.claim("did", device.toString())
			.signWith(this.key.getPrivate(), Jwts.SIG.EdDSA)
			.compact());
		assertThat(token.userId()).isEqualTo(user);
		assertThat(token.deviceId()).isEqualTo(device);
		assertThat(token.issuedAt()).isEqualTo(this.now);
		assertThat(token.expiresAt()).isEqualTo(this.now.plus(Duration.ofMinutes(15)));
	}

	@Test
	void refusesExpiredNotYetValidAndFutureTokens() {
		assertRefused(signed(token(this.now.minus(Duration.ofMinutes(16)))));
		assertRefused(signed(token(this.now).notBefore(Date.from(this.now.plusSeconds(120)))));
		assertRefused(signed(token(this.now.plusSeconds(120))));
		// within the clock skew allowance is fine
		this.verifier.verify(signed(token(this.now.plusSeconds(10))));
	}

	@Test
	void refusesAnotherIssuer() {
		assertRefused(signed(token(this.now).issuer("https://evil.example")));
		assertRefused(signed(token(this.now).issuer(null)));
	}

	@Test
	void refusesTokensLackingClaims() {
		assertRefused(signed(token(this.now).claim("did", null)));
		assertRefused(signed(token(this.now).claim("did", "not-a-uuid")));
		assertRefused(signed(token(this.now).subject(null)));
		assertRefused(signed(token(this.now).id(null)));
		assertRefused(signed(token(this.now).expiration(null)));
		assertRefused(signed(token(this.now).issuedAt(null)));
	}

	@Test
	void refusesUnknownKeysAndSignaturesByOtherKeys() {
		KeyPair stranger = Jwks.CRV.Ed25519.keyPair().build();
		assertRefused(token(this.now).signWith(stranger.getPrivate(), Jwts.SIG.EdDSA).compact());
		assertRefused(
				token(this.now).header().keyId("k9").and().signWith(stranger.getPrivate(), Jwts.SIG.EdDSA).compact());
		assertRefused(
				token(this.now).header().keyId(null).and().signWith(this.key.getPrivate(), Jwts.SIG.EdDSA).compact());
	}

	@Test
	void refusesTamperedTokens() {
		String[] parts = signed(token(this.now)).split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
		String forged = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(payload.replace(ISSUER, ISSUER + "x").getBytes(StandardCharsets.UTF_8));
		assertRefused(parts[0] + "." + forged + "." + parts[2]);
		// one character of the signature changed: its first, which always carries 6 full
		// bits
		char first = parts[2].charAt(0);
		assertRefused(parts[0] + "." + parts[1] + "." + ((first == 'A') ? 'B' : 'A') + parts[2].substring(1));
		assertRefused(parts[0] + "." + parts[1] + ".");
	}

	@Test
	void refusesMalleatedAndTruncatedSignatures() {
		String[] parts = signed(token(this.now)).split("\\.");
		byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
		// S + L verifies the same equation: a lax verifier would take it, so one token
		// would have two spellings (RFC 8032 5.1.7 requires S below L)
		BigInteger order = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
		byte[] s = Arrays.copyOfRange(signature, 32, 64);
		BigInteger malleated = new BigInteger(1, reversed(s)).add(order);
		byte[] sum = reversed(malleated.toByteArray());
		byte[] forged = signature.clone();
		Arrays.fill(forged, 32, 64, (byte) 0);
		System.arraycopy(sum, 0, forged, 32, Math.min(32, sum.length));
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		assertRefused(parts[0] + "." + parts[1] + "." + base64.encodeToString(forged));
		assertRefused(parts[0] + "." + parts[1] + "." + base64.encodeToString(Arrays.copyOf(signature, 63)));
		// the unaltered token still passes
		this.verifier.verify(String.join(".", parts));
	}

	private static byte[] reversed(byte[] bytes) {
		byte[] out = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			out[i] = bytes[bytes.length - 1 - i];
		}
		return out;
	}

	@Test
	void refusesAlgNoneAndHmacWithThePublicKeyAsSecret() {
		String[] parts = signed(token(this.now)).split("\\.");
		String none = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
		assertRefused(none + "." + parts[1] + ".");
		byte[] publicKey = Base64.getUrlDecoder().decode((String) this.published.get(0).get("x"));
		assertRefused(token(this.now).signWith(new SecretKeySpec(publicKey, "HmacSHA256"), Jwts.SIG.HS256).compact());
	}

	@Test
	void refusesGarbage() {
		assertRefused("");
		assertRefused("a.b.c");
		assertRefused("x".repeat(10_000));
	}

	@Test
	void fetchesTheKeySetAgainForANewKeyIdButNotMoreThanOnceInTheInterval() {
		this.verifier.verify(signed(token(this.now)));
		assertThat(this.fetches).hasValue(1);

		// a flood of unknown key ids costs at most one fetch per interval
		for (int i = 0; i < 20; i++) {
			assertRefused(token(this.now).header()
				.keyId("made-up-" + i)
				.and()
				.signWith(this.key.getPrivate(), Jwts.SIG.EdDSA)
				.compact());
		}
		assertThat(this.fetches.get()).isLessThanOrEqualTo(2);

		// a rotated-in key is found once the interval has passed
		KeyPair next = Jwks.CRV.Ed25519.keyPair().build();
		this.published.add(publicJwk(next, "k2"));
		this.now = this.now.plusSeconds(31);
		this.verifier
			.verify(token(this.now).header().keyId("k2").and().signWith(next.getPrivate(), Jwts.SIG.EdDSA).compact());
	}

	@Test
	void manyFirstTokensAtOnceAreAllAcceptedWhileTheKeySetIsFetched() throws Exception {
		// a reconnect storm right after start: nothing cached yet, one fetch for all of
		// them
		String token = signed(token(this.now));
		try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
			var results = new java.util.ArrayList<java.util.concurrent.Future<AccessToken>>();
			for (int i = 0; i < 100; i++) {
				results.add(threads.submit(() -> this.verifier.verify(token)));
			}
			for (var result : results) {
				assertThat(result.get().tokenId()).isNotBlank();
			}
		}
		assertThat(this.fetches).hasValue(1);
	}

	@Test
	void keepsTheCachedKeysWhenTheIssuerIsDown() {
		this.verifier.verify(signed(token(this.now)));
		this.server.stop(0);
		this.now = this.now.plus(Duration.ofMinutes(6));
		this.verifier.verify(signed(token(this.now)));
	}

	@Test
	void stopsTrustingCachedKeysOnceTheIssuerHasBeenUnreachableForTheKeyMaxAge() {
		this.verifier.verify(signed(token(this.now)));
		this.server.stop(0);
		this.now = this.now.plus(Duration.ofMinutes(59));
		this.verifier.verify(signed(token(this.now)));
		this.now = this.now.plus(Duration.ofMinutes(2));
		// an hour and a minute without a successful fetch: fail closed
		assertRefused(signed(token(this.now)));
	}

	@Test
	void aKeyRemovedFromTheSetIsRefusedOnceTheSetIsFetchedAgain() {
		this.verifier.verify(signed(token(this.now)));
		// an emergency rotation replaced the key
		this.published.clear();
		this.published.add(publicJwk(Jwks.CRV.Ed25519.keyPair().build(), "k2"));
		this.now = this.now.plus(Duration.ofMinutes(6));
		assertRefused(signed(token(this.now)));
	}

	@Test
	void aTokenPresentedAgainIsNotVerifiedAgainUntilItExpires() {
		String token = signed(token(this.now));
		AccessToken first = this.caching.verify(token);
		this.now = this.now.plus(Duration.ofMinutes(15)).plusSeconds(29);
		// the same verified instance: no second signature check
		assertThat(this.caching.verify(token)).isSameAs(first);
		// past the expiry and the clock skew allowed: refused as it would be uncached
		this.now = this.now.plusSeconds(2);
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> this.caching.verify(token));
		assertThat(this.verifier.verify(signed(token(this.now)))).isNotNull();
	}

	@Test
	void aCachedTokenIsAlwaysTheVerifiedOneNotALookAlike() {
		String token = signed(token(this.now));
		this.caching.verify(token);
		String[] parts = token.split("\\.");
		char first = parts[2].charAt(0);
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> this.caching
			.verify(parts[0] + "." + parts[1] + "." + ((first == 'A') ? 'B' : 'A') + parts[2].substring(1)));
		assertThatExceptionOfType(InvalidTokenException.class)
			.isThrownBy(() -> this.caching.verify(token.substring(0, token.length() - 1)));
	}

	@Test
	void aCachedTokenIsRefusedOnceItsKeyIsWithdrawn() {
		String token = signed(token(this.now));
		this.caching.verify(token);
		// an emergency rotation replaced the key: the token is refused at the next fetch
		// of the set, though it has not expired and was verified before
		this.published.clear();
		this.published.add(publicJwk(Jwks.CRV.Ed25519.keyPair().build(), "k2"));
		this.now = this.now.plus(Duration.ofMinutes(6));
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> this.caching.verify(token));
	}

	@Test
	void aCacheKeepsAtMostItsCapacityAndDropsExpiredTokensFirst() {
		VerifiedTokens cache = new VerifiedTokens(8);
		AccessToken token = this.verifier.verify(signed(token(this.now)));
		long expired = this.now.toEpochMilli();
		long valid = this.now.plus(Duration.ofMinutes(15)).toEpochMilli();
		for (int i = 0; i < 4; i++) {
			cache.remember(VerifiedTokens.Digest.of("old" + i),
					new VerifiedTokens.Verified(token, "k1", this.key.getPublic(), expired), this.now);
		}
		for (int i = 0; i < 4; i++) {
			cache.remember(VerifiedTokens.Digest.of("new" + i),
					new VerifiedTokens.Verified(token, "k1", this.key.getPublic(), valid), this.now);
		}
		cache.remember(VerifiedTokens.Digest.of("newest"),
				new VerifiedTokens.Verified(token, "k1", this.key.getPublic(), valid), this.now);
		assertThat(cache.size()).isEqualTo(5);
		assertThat(cache.find(VerifiedTokens.Digest.of("new0"), this.now)).isNotNull();
		assertThat(cache.find(VerifiedTokens.Digest.of("old0"), this.now)).isNull();
		for (int i = 0; i < 1000; i++) {
			cache.remember(VerifiedTokens.Digest.of("storm" + i),
					new VerifiedTokens.Verified(token, "k1", this.key.getPublic(), valid), this.now);
			assertThat(cache.size()).isLessThanOrEqualTo(8);
		}
		assertThat(cache.find(VerifiedTokens.Digest.of("storm999"), this.now)).isNotNull();
	}

	private JwtBuilder token(Instant issuedAt) {
		return Jwts.builder()
			.header()
			.keyId("k1")
			.and()
			.issuer(ISSUER)
			.subject(UUID.randomUUID().toString())
			.claim("did", UUID.randomUUID().toString())
			.id(UUID.randomUUID().toString())
			.issuedAt(Date.from(issuedAt))
			.expiration(Date.from(issuedAt.plus(Duration.ofMinutes(15))));
	}

	private String signed(JwtBuilder builder) {
		return builder.signWith(this.key.getPrivate(), Jwts.SIG.EdDSA).compact();
	}

	private void assertRefused(String token) {
		assertThatExceptionOfType(InvalidTokenException.class).as(token).isThrownBy(() -> this.verifier.verify(token));
	}

	private String jwkSet() {
		return "{\"keys\":[" + String.join(",",
				this.published.stream().map((jwk) -> Jwks.json((io.jsonwebtoken.security.PublicJwk<?>) jwk)).toList())
				+ "]}";
	}

	private static Jwk<?> publicJwk(KeyPair pair, String id) {
		return Jwks.builder().key(pair.getPublic()).id(id).algorithm("EdDSA").build();
	}

}
