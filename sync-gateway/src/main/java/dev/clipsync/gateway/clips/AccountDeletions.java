package dev.clipsync.gateway.clips;

import java.util.Map;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.redis.StreamGroupReader;
import dev.clipsync.gateway.GatewayProperties;
import dev.clipsync.gateway.blobs.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Deletes the clips of deleted accounts. auth-service announces deletions on a Redis
 * Stream; the gateways read it as one consumer group, so each deletion is handled by one
 * gateway, and one that arrives while every gateway is down is handled when one is back.
 */
@Configuration(proxyBeanMethods = false)
class AccountDeletions {

	private static final Logger logger = LoggerFactory.getLogger(AccountDeletions.class);

	@Bean
	static StreamGroupReader accountDeletionsReader(StringRedisTemplate redis, RedisNames names, ClipStore store,
			BlobStore blobs, GatewayProperties properties) {
		return new StreamGroupReader(redis, names.accountEvents(), "sync-gateway", "gateway-" + UUID.randomUUID(),
				(event) -> handle(event, store, blobs), properties.redis().claimAbandonedAfter());
	}

	private static void handle(Map<String, String> event, ClipStore store, BlobStore blobs) {
		if ("account_deleted".equals(event.get("type"))) {
			UUID userId = UUID.fromString(event.get("userId"));
			store.forget(userId);
			blobs.forget(userId);
			logger.info("Deleted the clips of deleted user {}", userId);
		}
	}

}
