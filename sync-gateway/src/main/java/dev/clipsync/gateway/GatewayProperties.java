package dev.clipsync.gateway;

import java.net.URI;
import java.time.Duration;

import dev.clipsync.common.redis.EvictionPolicyCheck;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of sync-gateway, with its default. docs/configuration.md lists them.
 *
 * @param redis names in the shared Redis
 * @param tokens how access tokens are verified
 * @param clips clip size and retention
 * @param connections per-connection and per-user limits
 * @param drain how the gateway leaves on shutdown
 * @param presence what the gateway reports to presence-service
 * @param maxRequestBody the largest REST request body accepted (blobs have their own
 * limit)
 * @param blobs large clips and files stored apart
 */
@ConfigurationProperties("clipsync")
public record GatewayProperties(@DefaultValue Redis redis, @DefaultValue Tokens tokens, @DefaultValue Clips clips,
		@DefaultValue Connections connections, @DefaultValue Drain drain, @DefaultValue Presence presence,
		@DefaultValue("2MB") DataSize maxRequestBody, @DefaultValue Blobs blobs) {

	/**
	 * @param keyPrefix first segment of every Redis key and channel, shared by all
	 * services
	 * @param claimAbandonedAfter account events another gateway took and has not handled
	 * for this long are taken over (that gateway died)
	 * @param evictionCheck what to do at start when Redis may evict keys (revocations
	 * would come back): warn, fail or off
	 */
	public record Redis(@DefaultValue("cs") String keyPrefix, @DefaultValue("60s") Duration claimAbandonedAfter,
			@DefaultValue("warn") EvictionPolicyCheck.Mode evictionCheck) {
	}

	/**
	 * @param issuer the {@code iss} access tokens must carry
	 * @param jwksUri where auth-service publishes its keys
	 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
	 * @param keyMaxAge published keys not fetched again for this long stop being trusted
	 * (so a key removed while auth-service was unreachable cannot stay trusted)
	 */
	public record Tokens(@DefaultValue("clipsync") String issuer,
			@DefaultValue("http://127.0.0.1:8081/.well-known/jwks.json") URI jwksUri,
			@DefaultValue("30s") Duration clockSkew, @DefaultValue("1h") Duration keyMaxAge) {
	}

	/**
	 * @param maxSize the largest clip, counted in decoded bytes
	 * @param keepPerUser how many of a user's newest clips are kept
	 * @param maxAge clips older than this are deleted
	 * @param sensitiveTtl sensitive clips older than this are deleted
	 * @param quotaPerUser the most bytes of inline clip data one user keeps
	 * @param groupCommit how pushes share commits
	 */
	public record Clips(@DefaultValue("1MB") DataSize maxSize, @DefaultValue("200") int keepPerUser,
			@DefaultValue("30d") Duration maxAge, @DefaultValue("60s") Duration sensitiveTtl,
			@DefaultValue("64MB") DataSize quotaPerUser, @DefaultValue GroupCommit groupCommit) {
	}

	/**
	 * A push that finds a commit slot free is committed at once; pushes that arrive while
	 * every slot is committing wait for the next free one and share its commit.
	 *
	 * @param commits commits in flight at once, each holding a database connection
	 * @param maxPushes the most pushes in one commit
	 * @param maxBytes the most clip data in one commit (a larger clip goes alone)
	 */
	public record GroupCommit(@DefaultValue("4") int commits, @DefaultValue("200") int maxPushes,
			@DefaultValue("4MB") DataSize maxBytes) {
	}

	/**
	 * @param pushesPerSecond sustained pushes allowed per connection
	 * @param pushBurst pushes allowed at once above the sustained rate
	 * @param perUser open connections allowed per user on one gateway
	 * @param heartbeat how often the server pings each connection
	 * @param idleTimeout a connection silent this long is closed
	 * @param sendBufferLimit bytes queued for a slow connection before it is closed
	 * @param gapWait how long a clip that skipped ahead waits for the missing ones before
	 * they are read from the database
	 * @param maxInvalidMessages invalid messages tolerated on one connection before it is
	 * closed
	 * @param syncGrace how long live clips wait after the welcome for the client's first
	 * {@code sync} (a client that resumes at the handshake needs no wait)
	 * @param writeTimeout a connection whose current write has waited this long for the
	 * client to read is closed (1013)
	 */
	public record Connections(@DefaultValue("20") int pushesPerSecond, @DefaultValue("50") int pushBurst,
			@DefaultValue("20") int perUser, @DefaultValue("25s") Duration heartbeat,
			@DefaultValue("60s") Duration idleTimeout, @DefaultValue("8MB") DataSize sendBufferLimit,
			@DefaultValue("200ms") Duration gapWait, @DefaultValue("10") int maxInvalidMessages,
			@DefaultValue("2s") Duration syncGrace, @DefaultValue("10s") Duration writeTimeout) {
	}

	/**
	 * @param gatewayTtl the gateway's liveness key lives this long unless refreshed (it
	 * is refreshed three times as often); when it expires, presence-service sweeps the
	 * gateway's connections
	 */
	public record Presence(@DefaultValue("30s") Duration gatewayTtl) {
	}

	/**
	 * @param maxSize the largest blob
	 * @param quotaPerUser the most bytes of blobs one user keeps
	 * @param unreferencedTtl a blob no clip ever referred to is deleted this long after
	 * its upload
	 */
	public record Blobs(@DefaultValue("32MB") DataSize maxSize, @DefaultValue("256MB") DataSize quotaPerUser,
			@DefaultValue("1h") Duration unreferencedTtl) {
	}

	/**
	 * @param window closes of the open connections are spread over this window
	 */
	public record Drain(@DefaultValue("10s") Duration window) {
	}

}
