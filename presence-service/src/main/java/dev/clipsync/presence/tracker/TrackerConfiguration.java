package dev.clipsync.presence.tracker;

import java.time.Clock;
import java.util.UUID;

import dev.clipsync.common.presence.PresenceReader;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.redis.StreamGroupReader;
import dev.clipsync.common.wire.UserChannelCodec;
import dev.clipsync.presence.PresenceProperties;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

@Configuration(proxyBeanMethods = false)
class TrackerConfiguration {

	@Bean
	static PresenceTracker presenceTracker(StringRedisTemplate redis, RedisNames names, PresenceReader reader,
			UserChannelCodec codec, Clock clock) {
		return new PresenceTracker(redis, names, reader, codec, clock);
	}

	@Bean
	static GatewayReports gatewayReports(StringRedisTemplate redis, RedisNames names, PresenceTracker tracker,
			JsonMapper json, Clock clock, PresenceProperties properties, MeterRegistry meters) {
		return new GatewayReports(redis, names, tracker, json, clock, properties, meters);
	}

	@Bean
	static StreamGroupReader accountEventsReader(StringRedisTemplate redis, RedisNames names, PresenceTracker tracker,
			PresenceProperties properties) {
		return new StreamGroupReader(redis, names.accountEvents(), "presence", "presence-" + UUID.randomUUID(),
				new AccountEvents(tracker), properties.redis().claimAbandonedAfter());
	}

}
