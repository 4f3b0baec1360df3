package dev.clipsync.presence.tracker;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.clipsync.common.presence.PresenceReader;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.wire.PresenceChanged;
import dev.clipsync.common.wire.UserChannelCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The presence of every user's devices in Redis. A device is online while its set of open
 * connections is not empty; sets, unlike counters, stay right when an event is handled
 * twice or a disconnect comes for a connection already gone. When a device goes online or
 * offline, the user's whole device list is published on the user's channel, and gateways
 * pass it to the user's connections.
 */
public class PresenceTracker {

	private static final Logger logger = LoggerFactory.getLogger(PresenceTracker.class);

	/**
	 * Adds a connection; answers 1 when the device just came online, 2 when it was online
	 * already and has one connection more, 0 when nothing changed. A connection that has
	 * closed is never added back: a reconciliation working from a snapshot taken before
	 * the close would otherwise resurrect it.
	 */
	private static final RedisScript<Long> CONNECT = RedisScript.of("""
			if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
			local added = redis.call('SADD', KEYS[1], ARGV[1])
			local info = {lastSeen = tonumber(ARGV[5])}
			local old = redis.call('HGET', KEYS[2], ARGV[2])
			if old then
			  local previous = cjson.decode(old)
			  info.name = previous.name
			  info.platform = previous.platform
			end
			if ARGV[3] ~= '' then info.name = ARGV[3] end
			if ARGV[4] ~= '' then info.platform = ARGV[4] end
			redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(info))
			if added == 0 then return 0 end
			if redis.call('SCARD', KEYS[1]) == 1 then return 1 end
			return 2
			""", Long.class);

	/**
	 * Removes a connection, remembering it closed; answers 1 when the device went
	 * offline, 2 when it is still online with one connection fewer, 0 when nothing
	 * changed.
	 */
	private static final RedisScript<Long> DISCONNECT = RedisScript.of("""
			redis.call('SET', KEYS[3], '1', 'EX', ARGV[4])
			if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
			local old = redis.call('HGET', KEYS[2], ARGV[2])
			if old then
			  local info = cjson.decode(old)
			  info.lastSeen = tonumber(ARGV[3])
			  redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(info))
			end
			if redis.call('SCARD', KEYS[1]) == 0 then return 1 end
			return 2
			""", Long.class);

	/** Longer than any reconciliation takes, so a stale snapshot can never outlive it. */
	private static final Duration CLOSED_REMEMBERED = Duration.ofMinutes(10);

	private final StringRedisTemplate redis;

	private final RedisNames names;

	private final PresenceReader reader;

	private final UserChannelCodec codec;

	private final Clock clock;

	private final String index;

	public PresenceTracker(StringRedisTemplate redis, RedisNames names, PresenceReader reader, UserChannelCodec codec,
			Clock clock) {
		this.redis = redis;
		this.names = names;
		this.reader = reader;
		this.codec = codec;
		this.clock = clock;
		this.index = names.prefix() + ":presence:index";
	}

	/**
	 * A connection opened.
	 * @return whether the device came online with it
	 */
	public boolean connected(Connection connection) {
		this.redis.opsForZSet().add(this.index, connection.indexEntry(), this.clock.millis());
		Long cameOnline = this.redis.execute(CONNECT,
				List.of(this.names.presenceConnections(connection.userId(), connection.deviceId()),
						this.names.presenceDevices(connection.userId()), closedKey(connection)),
				connection.sessionId(), connection.deviceId().toString(), orEmpty(connection.name()),
				orEmpty(connection.platform()), Long.toString(this.clock.millis()));
		if (cameOnline != null && cameOnline > 0) {
			// Every change of a device's connections, so that counts are never stale.
			publish(connection.userId());
		}
		return cameOnline != null && cameOnline == 1;
	}

	/**
	 * A connection closed.
	 * @return whether the device went offline with it
	 */
	public boolean disconnected(Connection connection) {
		Long wentOffline = this.redis.execute(DISCONNECT,
				List.of(this.names.presenceConnections(connection.userId(), connection.deviceId()),
						this.names.presenceDevices(connection.userId()), closedKey(connection)),
				connection.sessionId(), connection.deviceId().toString(), Long.toString(this.clock.millis()),
				Long.toString(CLOSED_REMEMBERED.toSeconds()));
		this.redis.opsForZSet().remove(this.index, connection.indexEntry());
		if (wentOffline != null && wentOffline > 0) {
			publish(connection.userId());
		}
		return wentOffline != null && wentOffline == 1;
	}

	/** Every connection presence believes open, as {@link Connection#indexEntry()}s. */
	Set<String> knownConnections() {
		Set<String> entries = this.redis.opsForZSet().range(this.index, 0, -1);
		return (entries != null) ? entries : Set.of();
	}

	/** A revoked device leaves the list. */
	void forgetDevice(UUID userId, UUID deviceId) {
		this.redis.opsForHash().delete(this.names.presenceDevices(userId), deviceId.toString());
		this.redis.delete(this.names.presenceConnections(userId, deviceId));
		publish(userId);
	}

	/** A deleted account leaves nothing behind. */
	void forgetUser(UUID userId) {
		Set<Object> devices = this.redis.opsForHash().keys(this.names.presenceDevices(userId));
		for (Object deviceId : devices) {
			this.redis.delete(this.names.presenceConnections(userId, UUID.fromString((String) deviceId)));
		}
		this.redis.delete(this.names.presenceDevices(userId));
	}

	private void publish(UUID userId) {
		try {
			this.redis.convertAndSend(this.names.userChannel(userId),
					this.codec.encode(new PresenceChanged(this.reader.devices(userId))));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not publish presence of user {}: {}", userId, ex.toString());
		}
	}

	/**
	 * Same hash tag as the user's other keys, so the scripts stay on one cluster shard.
	 */
	private String closedKey(Connection connection) {
		return this.names.presenceDevices(connection.userId()) + ":closed:" + connection.sessionId();
	}

	private static String orEmpty(@Nullable String text) {
		return (text != null) ? text : "";
	}

	/**
	 * One open connection, as gateways report it.
	 *
	 * @param sessionId the connection
	 * @param userId its user
	 * @param deviceId its device
	 * @param name the device's name, if known
	 * @param platform the device's platform, if known
	 */
	public record Connection(String sessionId, UUID userId, UUID deviceId, @Nullable String name,
			@Nullable String platform) {

		String indexEntry() {
			return this.sessionId + "|" + this.userId + "|" + this.deviceId;
		}

		static Connection ofIndexEntry(String entry) {
			String[] parts = entry.split("\\|");
			return new Connection(parts[0], UUID.fromString(parts[1]), UUID.fromString(parts[2]), null, null);
		}

	}

}
