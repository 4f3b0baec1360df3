package dev.clipsync.local.frontdoor;

import java.time.Duration;

import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * The routing table, the same as deploy/nginx/nginx.conf and k8s/base/ingress.yaml
 * (docs/deploy.md#routing). A prefix matches whole path segments: {@code /v1/devices} and
 * {@code /v1/devices/...}, never {@code /v1/devicesfoo}. Anything else is the web
 * client's static files, or 404.
 */
@Configuration(proxyBeanMethods = false)
class Routes {

	/** Every gateway, chosen round-robin among those whose readiness is up. */
	static final String GATEWAYS = "lb://sync-gateway";

	private static final String[] CLIPS_AND_BLOBS = { "/v1/clips", "/v1/clips/**", "/v1/blobs", "/v1/blobs/**" };

	@Bean
	RouteLocator routes(RouteLocatorBuilder builder, FrontDoorSettings settings) {
		String auth = "http://127.0.0.1:" + settings.authPort();
		String presence = "http://127.0.0.1:" + settings.presencePort();
		return builder.routes()
			.route("auth",
					(r) -> r
						.path("/v1/auth/**", "/v1/devices", "/v1/devices/**", "/v1/account", "/v1/account/**",
								"/.well-known/jwks.json", "/.well-known/clipsync")
						.uri(auth))
			// The WebSocket itself is proxied by GatewayWebSocketProxy.
			.route("sync", (r) -> r.path("/v1/sync").uri(GATEWAYS))
			// A draining or just-killed gateway: try another, for idempotent methods only
			// (like nginx's proxy_next_upstream). Spring Cloud Gateway's retry keeps a
			// copy of every request body on its route, so uploads go by a route of their
			// own: ten blobs of 30 MiB at once would otherwise be held in the front door.
			.route("clips-retried",
					(r) -> r.path(CLIPS_AND_BLOBS)
						.and()
						.method(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE)
						.filters((f) -> f.retry((retry) -> retry.setRetries(1)
							.setMethods(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE)
							.setStatuses(HttpStatus.SERVICE_UNAVAILABLE, HttpStatus.BAD_GATEWAY)
							.setBackoff(Duration.ofMillis(50), Duration.ofMillis(200), 2, false)))
						.uri(GATEWAYS))
			.route("clips", (r) -> r.path(CLIPS_AND_BLOBS).uri(GATEWAYS))
			.route("presence", (r) -> r.path("/v1/presence", "/v1/presence/**").uri(presence))
			.build();
	}

}
