package dev.clipsync.local.frontdoor;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

/**
 * The one URL of the local fleet: a Spring Cloud Gateway application, run in the
 * launcher's own JVM, in front of auth-service, every sync-gateway and presence-service.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(Routes.class)
@LoadBalancerClients(defaultConfiguration = HealthCheckedGateways.class)
public class FrontDoor {

	/**
	 * A clip is at most 1 MiB decoded, about 1.4 MiB as JSON; the gateway enforces it.
	 */
	private static final int MAX_FRAME = 4 * 1024 * 1024;

	/** Start it; close the returned context to stop it. */
	public static ConfigurableApplicationContext start(FrontDoorSettings settings) {
		SpringApplication application = new SpringApplication(FrontDoor.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setRegisterShutdownHook(false);
		application.setDefaultProperties(Map.copyOf(properties(settings)));
		application.addInitializers((context) -> context.getBeanFactory().registerSingleton("settings", settings));
		return application.run();
	}

	static Map<String, Object> properties(FrontDoorSettings settings) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "front-door");
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.main.log-startup-info", "false");
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", settings.port());
		properties.put("spring.cloud.compatibility-verifier.enabled", "false");
		properties.put("spring.cloud.refresh.enabled", "false");
		// Warnings nobody can act on: Spring Cloud Gateway's own properties use a form
		// Hibernate Validator deprecates, and Reactor Netty reports a gateway's refused
		// handshake (an expired token), which is passed on to the client, with a stack
		// trace.
		properties.put("logging.level.org.hibernate.validator.internal.metadata.aggregated.CascadingMetaDataBuilder",
				"error");
		properties.put("logging.level.reactor.netty.http.client.HttpClientConnect", "error");
		properties.put("logging.level.reactor.netty.channel.FluxReceive", "error");
		String gateway = "spring.cloud.gateway.server.webflux.";
		// ForwardedHeaders replaces these; Spring Cloud Gateway's own would append.
		properties.put(gateway + "x-forwarded.enabled", "false");
		properties.put(gateway + "forwarded.enabled", "false");
		// GatewayWebSocketProxy replaces it.
		properties.put(gateway + "global-filter.websocket-routing.enabled", "false");
		// No idle limit on WebSockets: the gateway pings every 25 s and closes a client
		// silent for 60 s itself.
		properties.put(gateway + "httpclient.connect-timeout", "2000");
		List<Integer> gateways = settings.gatewayPorts();
		for (int i = 0; i < gateways.size(); i++) {
			properties.put("spring.cloud.discovery.client.simple.instances.sync-gateway[" + i + "].uri",
					"http://127.0.0.1:" + gateways.get(i));
		}
		properties.put("spring.cloud.loadbalancer.health-check.path.default", "/actuator/health/readiness");
		properties.put("spring.cloud.loadbalancer.health-check.interval", "1s");
		properties.put("spring.cloud.loadbalancer.health-check.initial-delay", "0");
		// the health checks are the cache; a second one would only delay noticing
		properties.put("spring.cloud.loadbalancer.cache.enabled", "false");
		if (settings.web() != null) {
			properties.put("spring.web.resources.static-locations", settings.web().toUri().toString());
			properties.put("spring.webflux.static-path-pattern", "/**");
		}
		else {
			properties.put("spring.web.resources.add-mappings", "false");
		}
		return properties;
	}

	@Bean
	HttpHeadersFilter forwardedHeaders() {
		return new ForwardedHeaders();
	}

	/**
	 * Pings pass through both ways (neither side answers them itself), so a gateway
	 * learns of a dead client behind the front door from the missing pongs.
	 */
	@Bean
	GatewayWebSocketProxy gatewayWebSocketProxy(HttpClient httpClient,
			ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
		WebSocketService server = new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
				() -> WebsocketServerSpec.builder().handlePing(false).maxFramePayloadLength(MAX_FRAME)));
		return new GatewayWebSocketProxy(httpClient,
				() -> WebsocketClientSpec.builder().handlePing(false).maxFramePayloadLength(MAX_FRAME), server,
				headersFilters);
	}

	@Bean
	FrontDoorErrors frontDoorErrors() {
		return new FrontDoorErrors();
	}

	@Bean
	WebClientHeaders webClientHeaders() {
		return new WebClientHeaders();
	}

	/** Connect to the services from the one address they trust forwarded headers from. */
	@Bean
	HttpClientCustomizer fromProxyAddress(FrontDoorSettings settings) {
		return (client) -> client.bindAddress(() -> new InetSocketAddress(settings.proxyAddress(), 0));
	}

}
