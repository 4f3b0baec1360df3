package dev.clipsync.gateway.clips;

import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.redis.StreamGroupReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Deletes the clips of deleted accounts. auth-service announces deletions on a Redis
 * Stream; the gateways read it as one consumer group, so each deletion is handled by one
 * gateway, and one that arrives while every gateway is down is handled when one is back.
 */
@Component
class AccountDeletions implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(AccountDeletions.class);

	private final StreamGroupReader reader;

	private final ClipStore store;

	private volatile boolean running;

	AccountDeletions(StringRedisTemplate redis, RedisNames names, ClipStore store) {
		this.store = store;
		this.reader = new StreamGroupReader(redis, names.accountEvents(), "sync-gateway",
				"gateway-" + UUID.randomUUID(), this::handle);
	}

	private void handle(Map<String, String> event) {
		if ("account_deleted".equals(event.get("type"))) {
			UUID userId = UUID.fromString(event.get("userId"));
			this.store.forget(userId);
			logger.info("Deleted the clips of deleted user {}", userId);
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

	/** Stops after the gateway has drained its connections. */
	@Override
	public int getPhase() {
		return DEFAULT_PHASE - 100;
	}

}
