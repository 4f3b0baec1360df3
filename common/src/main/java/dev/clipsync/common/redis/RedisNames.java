package dev.clipsync.common.redis;

import java.util.UUID;

/**
 * Redis keys and channels that more than one service uses. Every name starts with a
 * configurable prefix ({@code clipsync.redis.key-prefix}, default {@code cs}) so several
 * deployments or test runs can share one Redis. Per-user names put the user id in a hash
 * tag so that all of one user's keys and channels live on one Redis Cluster shard.
 *
 * @param prefix the first segment of every name
 */
public record RedisNames(String prefix) {

	/** The prefix used when none is configured. */
	public static final String DEFAULT_PREFIX = "cs";

	/**
	 * The channel on which everything about one user is published: clips, presence and
	 * sign-out messages.
	 * @param userId the user
	 * @return the channel name
	 */
	public String userChannel(UUID userId) {
		return this.prefix + ":u:{" + userId + "}";
	}

	/**
	 * The deny entry of a signed-out device: its access tokens issued up to the stored
	 * second are refused until the entry expires.
	 * @param userId the device's owner
	 * @param deviceId the device
	 * @return the key name
	 */
	public String deviceDenyEntry(UUID userId, UUID deviceId) {
		return this.prefix + ":deny:{" + userId + "}:" + deviceId;
	}

	/**
	 * The stream of connect and disconnect events that gateways append and
	 * presence-service reads through a consumer group.
	 * @return the stream key
	 */
	public String presenceEvents() {
		return this.prefix + ":presence-events";
	}

	/**
	 * The set of ids of gateways that have reported themselves.
	 * @return the set key
	 */
	public String gateways() {
		return this.prefix + ":gateways";
	}

	/**
	 * A gateway's liveness key: it refreshes it with a TTL while it runs; when it is
	 * gone, presence-service treats the gateway's connections as closed.
	 * @param gatewayId the gateway
	 * @return the key
	 */
	public String gatewayAlive(String gatewayId) {
		return this.prefix + ":gw:{" + gatewayId + "}:alive";
	}

	/**
	 * A gateway's live connections: a hash from connection (session) id to the
	 * connection's user, device and device description.
	 * @param gatewayId the gateway
	 * @return the key
	 */
	public String gatewayConnections(String gatewayId) {
		return this.prefix + ":gw:{" + gatewayId + "}:conns";
	}

	/**
	 * A user's devices as presence knows them: device id to name, platform and last-seen.
	 * @param userId the user
	 * @return the hash key
	 */
	public String presenceDevices(UUID userId) {
		return this.prefix + ":presence:{" + userId + "}:devices";
	}

	/**
	 * The open connections of one device of a user; the device is online while it has
	 * one.
	 * @param userId the user
	 * @param deviceId the device
	 * @return the set key
	 */
	public String presenceConnections(UUID userId, UUID deviceId) {
		return presenceConnectionsPrefix(userId) + deviceId;
	}

	/**
	 * What the keys of {@link #presenceConnections} of one user start with; they are in
	 * the same hash slot as {@link #presenceDevices}.
	 * @param userId the user
	 * @return the prefix, which the device id completes
	 */
	public String presenceConnectionsPrefix(UUID userId) {
		return this.prefix + ":presence:{" + userId + "}:conns:";
	}

	/**
	 * The stream of account life-cycle events (account deleted) that services with their
	 * own per-user data consume through a consumer group, so none is lost while they are
	 * down.
	 * @return the stream key
	 */
	public String accountEvents() {
		return this.prefix + ":account-events";
	}

}
