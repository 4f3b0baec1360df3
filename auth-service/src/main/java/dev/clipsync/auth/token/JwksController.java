package dev.clipsync.auth.token;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.jsonwebtoken.security.PublicJwk;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes the public keys that may have signed a live token, so any service or client
 * can verify access tokens with a standard JOSE library.
 */
@RestController
class JwksController {

	private final SigningKeys keys;

	JwksController(SigningKeys keys) {
		this.keys = keys;
	}

	@GetMapping(path = "/.well-known/jwks.json",
			produces = { MediaType.APPLICATION_JSON_VALUE, "application/jwk-set+json" })
	ResponseEntity<Map<String, List<PublicJwk<?>>>> jwks() {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
			.body(Map.of("keys", this.keys.publicJwks()));
	}

}
