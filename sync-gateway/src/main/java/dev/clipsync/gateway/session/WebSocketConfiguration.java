package dev.clipsync.gateway.session;

import java.time.Clock;
import java.util.List;
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
import io.micrometer.observation.ObservationPredicate;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * The sync endpoint {@code /v1/sync} on Jetty, with its message size and idle limits.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfiguration implements WebSocketConfigurer {

	private static final String SUBPROTOCOL = "clipsync.v1";

	private static final String SYNC_PATH = "/v1/sync";

	private final SyncHandler handler;

	private final TokenCheck tokens;

	private final DrainOnShutdown drain;

	private final GatewayProperties properties;

	WebSocketConfiguration(SyncHandler handler, TokenCheck tokens, DrainOnShutdown drain,
			GatewayProperties properties) {
		this.handler = handler;
		this.tokens = tokens;
		this.drain = drain;
		this.properties = properties;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		long maxClip = this.properties.clips().maxSize().toBytes();
		// Jetty, without keeping the handshake's HTTP exchange and headers for the life
		// of
		// each connection (DetachedJettyUpgradeStrategy).
		DetachedJettyUpgradeStrategy jetty = new DetachedJettyUpgradeStrategy(
				// Room for a maximal clip in base64 plus its JSON envelope; Jetty grows
				// its
				// buffer as a message arrives, so idle connections do not pay for this.
				maxClip * 4 / 3 + 64 * 1024,
				// Binary frames are refused (1003); this only bounds what is read first.
				1024,
				// A backstop: the heartbeat check in LocalSessions closes silent clients
				// first.
				this.properties.connections().idleTimeout().plusSeconds(30));
		DefaultHandshakeHandler handshake = new DefaultHandshakeHandler(jetty) {
			@Override
			protected List<WebSocketExtension> filterRequestedExtensions(ServerHttpRequest request,
					List<WebSocketExtension> requested, List<WebSocketExtension> supported) {
				// No permessage-deflate: each connection would keep a zlib context, about
				// 120 KB of native memory (docs/decisions/0001), for clips that are
				// mostly
				// small or already compressed. DetachedJettyUpgradeStrategy applies this;
				// Spring's JettyRequestUpgradeStrategy did not.
				return List.of();
			}
		};
		handshake.setSupportedProtocols(SUBPROTOCOL);
		registry.addHandler(this.handler, SYNC_PATH)
			.setHandshakeHandler(handshake)
			.addInterceptors(new HandshakeAuthentication(this.tokens, this.drain::isAccepting))
			.setAllowedOriginPatterns("*");
	}

	/**
	 * No HTTP server observation of upgrades to the sync endpoint: the connection metrics
	 * count them, and timing each handshake cost a reconnect storm about 3% of the
	 * gateway's CPU.
	 */
	@Bean
	static ObservationPredicate noObservationOfSyncUpgrades() {
		return (name, context) -> !(context instanceof ServerRequestObservationContext request
				&& SYNC_PATH.equals(request.getCarrier().getRequestURI()));
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
	static PresenceReporter presenceReporter(GatewayId gatewayId, StringRedisTemplate redis, RedisNames names,
			JsonMapper json, Clock clock, GatewayProperties properties, MeterRegistry meters) {
		return new PresenceReporter(gatewayId, redis, names, json, clock, properties, meters);
	}

	private static String redisUrl(DataRedisProperties redis) {
		if (redis.getUrl() != null) {
			return redis.getUrl();
		}
		return "redis://" + redis.getHost() + ":" + redis.getPort() + "/" + redis.getDatabase();
	}

}
