package dev.clipsync.common.presence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.wire.DevicePresence;
import tools.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Reads a user's presence: every device presence-service has seen, with its open
 * connections. A device's entry in {@link RedisNames#presenceDevices} is a JSON object
 * {@code {"name","platform","lastSeen"}} (lastSeen in epoch milliseconds); its
 * connections are the members of {@link RedisNames#presenceConnections}.
 */
public final class PresenceReader {

	private static final Comparator<DevicePresence> ORDER = Comparator.comparing(DevicePresence::online)
		.reversed()
		.thenComparing((device) -> String.valueOf(device.name()))
		.thenComparing(DevicePresence::deviceId);

	/**
	 * Whether the connection ARGV[3] is among device ARGV[2]'s (0 when ARGV[2] is empty),
	 * then each device of the hash KEYS[1] as id, JSON and connection count. The
	 * connection sets are not declared keys, but share KEYS[1]'s hash slot.
	 */
	private static final RedisScript<List> READ = RedisScript.of("""
			local reply = {0}
			if ARGV[2] ~= '' then
			  reply[1] = redis.call('SISMEMBER', ARGV[1] .. ARGV[2], ARGV[3])
			end
			local devices = redis.call('HGETALL', KEYS[1])
			for i = 1, #devices, 2 do
			  reply[#reply + 1] = devices[i]
			  reply[#reply + 1] = devices[i + 1]
			  reply[#reply + 1] = redis.call('SCARD', ARGV[1] .. devices[i])
			end
			return reply
			""", List.class);

	private final StringRedisTemplate redis;

	private final RedisNames names;

	private final JsonMapper json;

	public PresenceReader(StringRedisTemplate redis, RedisNames names, JsonMapper json) {
		this.redis = redis;
		this.names = names;
		this.json = json;
	}

	/**
	 * The user's devices, online ones first, then by name.
	 * @param userId the user
	 * @return the devices
	 */
	public List<DevicePresence> devices(UUID userId) {
		return read(userId, null, "").devices();
	}

	/**
	 * The user's devices as a new connection should be greeted with: the connection
	 * counted even when presence-service has not handled its connect event yet.
	 * @param userId the user
	 * @param deviceId the connecting device
	 * @param connectionId the connection's id as reported to presence-service
	 * @param name the device's name, for a device presence has never seen
	 * @param platform the device's platform, likewise
	 * @param now the current time
	 * @return the devices
	 */
	public List<DevicePresence> greeting(UUID userId, UUID deviceId, String connectionId, String name, String platform,
			Instant now) {
		Snapshot snapshot = read(userId, deviceId, connectionId);
		List<DevicePresence> devices = snapshot.devices();
		if (snapshot.connectionCounted()) {
			return devices;
		}
		int index = 0;
		while (index < devices.size() && !devices.get(index).deviceId().equals(deviceId)) {
			index++;
		}
		if (index < devices.size()) {
			DevicePresence known = devices.remove(index);
			devices
				.add(new DevicePresence(deviceId, known.name(), known.platform(), true, known.connections() + 1, now));
		}
		else {
			devices.add(new DevicePresence(deviceId, name, platform, true, 1, now));
		}
		devices.sort(ORDER);
		return devices;
	}

	/**
	 * The devices and their connection counts, and whether the connection is among its
	 * device's, in one round trip: a handshake waits for this, and the read by parts took
	 * two round trips and one more per device.
	 */
	private Snapshot read(UUID userId, @Nullable UUID deviceId, String connectionId) {
		List<?> reply = this.redis.execute(READ, List.of(this.names.presenceDevices(userId)),
				this.names.presenceConnectionsPrefix(userId), (deviceId != null) ? deviceId.toString() : "",
				connectionId);
		List<DevicePresence> devices = new ArrayList<>();
		boolean counted = false;
		if (reply != null && !reply.isEmpty()) {
			counted = ((Number) reply.getFirst()).longValue() == 1;
			for (int i = 1; i + 2 < reply.size(); i += 3) {
				UUID id = UUID.fromString((String) reply.get(i));
				JsonNode info = this.json.readTree((String) reply.get(i + 1));
				int open = ((Number) reply.get(i + 2)).intValue();
				devices.add(new DevicePresence(id, text(info, "name"), text(info, "platform"), open > 0, open,
						Instant.ofEpochMilli(info.path("lastSeen").asLong())));
			}
		}
		devices.sort(ORDER);
		return new Snapshot(devices, counted);
	}

	private record Snapshot(List<DevicePresence> devices, boolean connectionCounted) {
	}

	private static String text(JsonNode info, String field) {
		JsonNode value = info.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
