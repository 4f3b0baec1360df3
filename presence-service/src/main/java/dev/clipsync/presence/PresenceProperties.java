package dev.clipsync.presence;

import java.net.URI;
import java.time.Duration;

import dev.clipsync.common.redis.EvictionPolicyCheck;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every setting of presence-service, with its default. docs/configuration.md lists them.
 *
 * @param redis names in the shared Redis
 * @param tokens how access tokens are verified
 * @param presence how often presence is reconciled with the gateways
 */
@ConfigurationProperties("clipsync")
public record PresenceProperties(@DefaultValue Redis redis, @DefaultValue Tokens tokens,
		@DefaultValue Presence presence) {

	/**
	 * @param keyPrefix first segment of every Redis key and channel, shared by all
	 * services
	 * @param claimAbandonedAfter events another replica took and left unhandled this long
	 * are taken over
	 * @param evictionCheck what to do at start when Redis may evict keys: warn, fail or
	 * off
	 */
	public record Redis(@DefaultValue("cs") String keyPrefix, @DefaultValue("60s") Duration claimAbandonedAfter,
			@DefaultValue("warn") EvictionPolicyCheck.Mode evictionCheck) {
	}

	/**
	 * @param issuer the {@code iss} access tokens must carry
	 * @param jwksUri where auth-service publishes its keys
	 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
	 * @param keyMaxAge published keys not fetched again for this long stop being trusted
	 */
	public record Tokens(@DefaultValue("clipsync") String issuer,
			@DefaultValue("http://127.0.0.1:8081/.well-known/jwks.json") URI jwksUri,
			@DefaultValue("30s") Duration clockSkew, @DefaultValue("1h") Duration keyMaxAge) {
	}

	/**
	 * @param reconcileInterval how often presence is compared with the gateways'
	 * connection sets; with the gateways' liveness TTL (30 s) this bounds how long a
	 * crash can leave presence wrong
	 */
	public record Presence(@DefaultValue("20s") Duration reconcileInterval) {
	}

}
