package dev.clipsync.gateway;

import java.util.UUID;

/**
 * This gateway instance, new at every start: presence-service knows its connections by
 * it, and it recognises its own clips heard back on Redis by it.
 *
 * @param value the identifier
 */
public record GatewayId(String value) {

	static GatewayId random() {
		return new GatewayId(UUID.randomUUID().toString());
	}

}
