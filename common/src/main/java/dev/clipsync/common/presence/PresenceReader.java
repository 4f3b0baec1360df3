package dev.clipsync.common.presence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.wire.DevicePresence;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;

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
		Map<Object, Object> entries = this.redis.opsForHash().entries(this.names.presenceDevices(userId));
		List<DevicePresence> devices = new ArrayList<>();
		for (Map.Entry<Object, Object> entry : entries.entrySet()) {
			UUID deviceId = UUID.fromString((String) entry.getKey());
			JsonNode info = this.json.readTree((String) entry.getValue());
			Long connections = this.redis.opsForSet().size(this.names.presenceConnections(userId, deviceId));
			int open = (connections != null) ? connections.intValue() : 0;
			devices.add(new DevicePresence(deviceId, text(info, "name"), text(info, "platform"), open > 0, open,
					Instant.ofEpochMilli(info.path("lastSeen").asLong())));
		}
		devices.sort(ORDER);
		return devices;
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
		Boolean counted = this.redis.opsForSet()
			.isMember(this.names.presenceConnections(userId, deviceId), connectionId);
		List<DevicePresence> devices = new ArrayList<>(devices(userId));
		if (Boolean.TRUE.equals(counted)) {
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

	private static String text(JsonNode info, String field) {
		JsonNode value = info.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
