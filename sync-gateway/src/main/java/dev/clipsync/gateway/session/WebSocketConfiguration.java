package dev.clipsync.gateway.session;

import java.time.Clock;
import java.util.function.Consumer;

import dev.clipsync.common.presence.PresenceReader;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.token.TokenCheck;
import dev.clipsync.common.wire.UserChannelCodec;
import dev.clipsync.gateway.GatewayId;
import dev.clipsync.gateway.GatewayProperties;
import dev.clipsync.gateway.blobs.BlobStore;
import dev.clipsync.gateway.clips.ClipStore;
import dev.clipsync.gateway.clips.PushRates;
import dev.clipsync.gateway.drain.DrainOnShutdown;
import dev.clipsync.gateway.fanout.ClipPublisher;
import dev.clipsync.gateway.fanout.UserChannels;
import dev.clipsync.gateway.presence.PresenceReporter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.socket.CloseStatus;

/**
 * The sync endpoint {@code /v1/sync} on Jetty, with its message size and idle limits, and
 * what its sessions use.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration {

	/**
	 * Upgrades to {@code /v1/sync} are served ahead of the servlet context
	 * ({@link SyncUpgradeHandler}), so no HTTP server observation, filter or MVC handler
	 * sees them: the connection metrics count them.
	 */
	@Bean
	static JettyServerCustomizer syncEndpoint(SyncHandler handler, TokenCheck tokens, DrainOnShutdown drain,
			GatewayProperties properties) {
		long maxClip = properties.clips().maxSize().toBytes();
		return (server) -> server.setHandler(new SyncUpgradeHandler(server.getHandler(),
				new HandshakeAuthentication(tokens, drain::isAccepting), handler,
				// Room for a maximal clip in base64 and its JSON envelope; Jetty grows
				// its buffer as a message arrives, so idle connections do not pay it.
				maxClip * 4 / 3 + 64 * 1024,
				// Binary frames are refused (1003); this only bounds what is read first.
				1024,
				// A backstop: LocalSessions' heartbeat check closes silent clients first.
				properties.connections().idleTimeout().plusSeconds(30)));
	}

	@Bean
	static LocalSessions localSessions(ClipStore store, JsonMapper json, Clock clock, GatewayProperties properties,
			MeterRegistry meters, DrainOnShutdown drain, PresenceReporter presence, TokenCheck tokens) {
		LocalSessions sessions = new LocalSessions(store, json, clock, properties, meters, presence, tokens);
		drain.drains(() -> sessions.all().stream().<Consumer<CloseStatus>>map((session) -> session::close).toList());
		return sessions;
	}

	@Bean
	static HealthIndicator userChannelsHealthIndicator(UserChannels channels) {
		// Without its pub/sub connection a gateway cannot deliver live clips: not ready.
		return () -> channels.isConnected() ? Health.up().build()
				: Health.down().withDetail("redis", "pub/sub connection lost").build();
	}

	@Bean
	static UserChannels userChannels(GatewayId gatewayId, DataRedisProperties redis, ClientResources resources,
			RedisNames names, UserChannelCodec codec, LocalSessions sessions, MeterRegistry meters) {
		UserChannels channels = new UserChannels(RedisClient.create(resources, redisUrl(redis)), names, codec,
				gatewayId, sessions::users, sessions, meters);
		sessions.useChannels(channels);
		return channels;
	}

	@Bean
	static ClipPublisher clipPublisher(GatewayId gatewayId, DataRedisProperties redis, ClientResources resources,
			RedisNames names, UserChannelCodec codec, LocalSessions sessions, MeterRegistry meters) {
		ClipPublisher publisher = new ClipPublisher(RedisClient.create(resources, redisUrl(redis)), gatewayId, names,
				codec, sessions, meters);
		publisher.connectInBackground();
		return publisher;
	}

	@Bean
	static SyncHandler syncHandler(LocalSessions sessions, ClipStore store, ClipPublisher publisher, TokenCheck tokens,
			JsonMapper json, Clock clock, GatewayProperties properties, MeterRegistry meters, PresenceReporter presence,
			StringRedisTemplate redis, RedisNames names, BlobStore blobs, PushRates pushRates) {
		return new SyncHandler(sessions, store, publisher, tokens, json, clock, properties, meters, presence,
				new PresenceReader(redis, names, json), blobs, pushRates);
	}

	@Bean
	static PresenceReporter presenceReporter(GatewayId gatewayId, DataRedisProperties redisProperties,
			ClientResources resources, StringRedisTemplate redis, RedisNames names, JsonMapper json, Clock clock,
			GatewayProperties properties, MeterRegistry meters) {
		return new PresenceReporter(gatewayId, RedisClient.create(resources, redisUrl(redisProperties)), redis, names,
				json, clock, properties, meters);
	}

	private static String redisUrl(DataRedisProperties redis) {
		if (redis.getUrl() != null) {
			return redis.getUrl();
		}
		return "redis://" + redis.getHost() + ":" + redis.getPort() + "/" + redis.getDatabase();
	}

}
