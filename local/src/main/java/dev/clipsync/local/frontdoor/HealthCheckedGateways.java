package dev.clipsync.local.frontdoor;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The gateways a new request may go to: those whose readiness answers 200, asked every
 * second. A draining gateway reports not ready the moment it starts draining, a killed
 * one stops answering; either leaves the rotation. Spring Cloud LoadBalancer's
 * round-robin then spreads WebSockets with no stickiness.
 */
class HealthCheckedGateways {

	@Bean
	ServiceInstanceListSupplier gatewayInstances(ConfigurableApplicationContext context) {
		return ServiceInstanceListSupplier.builder()
			.withDiscoveryClient()
			.withHealthChecks(WebClient.create())
			.build(context);
	}

}
