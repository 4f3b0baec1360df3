package dev.clipsync.presence.tracker;

import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.redis.StreamGroupReader;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Revoked devices and deleted accounts leave the presence lists, from auth-service's
 * durable account event stream (consumer group {@code presence}).
 */
public class AccountEvents implements SmartLifecycle {

	private final StreamGroupReader reader;

	private final PresenceTracker tracker;

	private volatile boolean running;

	public AccountEvents(StringRedisTemplate redis, RedisNames names, PresenceTracker tracker) {
		this.tracker = tracker;
		this.reader = new StreamGroupReader(redis, names.accountEvents(), "presence", "presence-" + UUID.randomUUID(),
				this::handle);
	}

	private void handle(Map<String, String> event) {
		String type = String.valueOf(event.get("type"));
		if ("device_revoked".equals(type)) {
			this.tracker.forgetDevice(UUID.fromString(event.get("userId")), UUID.fromString(event.get("deviceId")));
		}
		else if ("account_deleted".equals(type)) {
			this.tracker.forgetUser(UUID.fromString(event.get("userId")));
		}
	}

	@Override
	public void start() {
		this.running = true;
		this.reader.start();
	}

	@Override
	public void stop() {
		this.running = false;
		this.reader.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
