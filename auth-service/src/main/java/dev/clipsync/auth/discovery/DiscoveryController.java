package dev.clipsync.auth.discovery;

import java.time.Duration;

import dev.clipsync.auth.AuthProperties;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /.well-known/clipsync}: where auth, sync, clips, presence and devices live.
 * Relative paths by default (one origin, the load balancer routes by path); a deployment
 * that spreads services over several origins sets absolute URLs.
 */
@RestController
class DiscoveryController {

	private final AuthProperties.Discovery discovery;

	DiscoveryController(AuthProperties properties) {
		this.discovery = properties.discovery();
	}

	@GetMapping("/.well-known/clipsync")
	ResponseEntity<AuthProperties.Discovery> discovery() {
		return ResponseEntity.ok().cacheControl(CacheControl.maxAge(Duration.ofMinutes(5))).body(this.discovery);
	}

}
