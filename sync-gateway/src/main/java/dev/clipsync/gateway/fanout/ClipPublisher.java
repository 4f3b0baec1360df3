package dev.clipsync.gateway.fanout;

import java.time.Duration;
import java.util.UUID;

import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.wire.ClipPublished;
import dev.clipsync.common.wire.UserChannelCodec;
import dev.clipsync.gateway.clips.Clip;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes stored clips on their user's channel. The clip is already durable, so a
 * publish that fails is retried for a while in the background; receivers that still miss
 * it find it in the database when the next clip shows the gap, or when Redis comes back.
 */
@Component
public class ClipPublisher {

	private static final Logger logger = LoggerFactory.getLogger(ClipPublisher.class);

	private static final int ATTEMPTS = 6;

	private final StringRedisTemplate redis;

	private final RedisNames names;

	private final UserChannelCodec codec;

	private final MeterRegistry meters;

	ClipPublisher(StringRedisTemplate redis, RedisNames names, UserChannelCodec codec, MeterRegistry meters) {
		this.redis = redis;
		this.names = names;
		this.codec = codec;
		this.meters = meters;
	}

	/**
	 * Announce a stored clip to every gateway with a connection of the user.
	 * @param userId the user
	 * @param clip the clip, committed
	 */
	public void publish(UUID userId, Clip clip) {
		String channel = this.names.userChannel(userId);
		String message = this.codec.encode(new ClipPublished(clip.seq(), clip.id(), clip.from(), clip.session(),
				clip.mime(), clip.data(), clip.encoding(), clip.encrypted(), clip.createdAt()));
		if (!tryPublish(channel, message)) {
			Thread.ofVirtual().name("clip-publish-retry").start(() -> retry(channel, message));
		}
	}

	private void retry(String channel, String message) {
		Duration delay = Duration.ofMillis(250);
		for (int attempt = 2; attempt <= ATTEMPTS; attempt++) {
			try {
				Thread.sleep(delay);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (tryPublish(channel, message)) {
				return;
			}
			delay = delay.multipliedBy(2);
		}
		this.meters.counter("clipsync.gateway.publish.failures").increment();
		logger.warn("Gave up publishing a clip on {}; receivers will read it from the database", channel);
	}

	private boolean tryPublish(String channel, String message) {
		try {
			this.redis.convertAndSend(channel, message);
			return true;
		}
		catch (RuntimeException ex) {
			logger.debug("Publish on {} failed: {}", channel, ex.toString());
			return false;
		}
	}

}
