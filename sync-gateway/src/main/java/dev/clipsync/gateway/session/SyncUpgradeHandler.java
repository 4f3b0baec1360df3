package dev.clipsync.gateway.session;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.common.JettyExtensionConfig;
import org.eclipse.jetty.websocket.common.JettyWebSocketFrameHandler;
import org.eclipse.jetty.websocket.common.JettyWebSocketFrameHandlerFactory;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.server.FrameHandlerFactory;
import org.eclipse.jetty.websocket.core.server.WebSocketCreator;
import org.eclipse.jetty.websocket.core.server.WebSocketMappings;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.adapter.jetty.JettyWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.jetty.JettyWebSocketSession;

/**
 * Upgrades {@code /v1/sync} to a WebSocket in Jetty's core, before the request reaches
 * the servlet context: no filter chain, no Spring MVC dispatch, no servlet request
 * wrappers. In a reconnect storm every handshake went through all of them, and the JIT
 * compiled all of them, for a request that needs none. The session still runs the Spring
 * {@link WebSocketHandler} through Spring's Jetty adapter.
 * <p>
 * Jetty's own frame handler factory hands each session a {@code CompletedUpgradeResponse}
 * which keeps a live view of the HTTP exchange, its connection, parser and generator:
 * about 8 KB per idle connection (docs/decisions/0001). Its upgrade request also keeps
 * every handshake header, the bearer token among them. Here the sessions get small
 * snapshots instead: {@link UpgradeRequestSnapshot} and {@link UpgradeResponseSnapshot},
 * which keep no headers. Nothing in the gateway reads the handshake headers after the
 * upgrade; {@link HandshakeAuthentication} has read the token by then.
 * <p>
 * No extension is accepted, {@code permessage-deflate} included: each connection would
 * keep a zlib context, about 120 KB of native memory (docs/decisions/0001), for clips
 * that are mostly small or already compressed.
 */
final class SyncUpgradeHandler extends Handler.Wrapper {

	static final String PATH = "/v1/sync";

	static final String SUBPROTOCOL = "clipsync.v1";

	private final HandshakeAuthentication authentication;

	private final WebSocketHandler handler;

	private final Configuration.ConfigurationCustomizer configuration = new Configuration.ConfigurationCustomizer();

	private volatile @Nullable Jetty jetty;

	/**
	 * @param next where every other request goes
	 * @param authentication decides whether a handshake may upgrade
	 * @param handler the protocol on each connection
	 * @param maxTextMessageSize the largest text message accepted, in bytes
	 * @param maxBinaryMessageSize the largest binary message accepted, in bytes
	 * @param idleTimeout how long a connection may stay silent before Jetty closes it
	 */
	SyncUpgradeHandler(Handler next, HandshakeAuthentication authentication, WebSocketHandler handler,
			long maxTextMessageSize, long maxBinaryMessageSize, Duration idleTimeout) {
		super(next);
		this.authentication = authentication;
		this.handler = handler;
		this.configuration.setMaxTextMessageSize(maxTextMessageSize);
		this.configuration.setMaxBinaryMessageSize(maxBinaryMessageSize);
		this.configuration.setIdleTimeout(idleTimeout);
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		if (!PATH.equals(request.getHttpURI().getPath())) {
			return super.handle(request, response, callback);
		}
		Map<String, Object> attributes = new HashMap<>(4);
		HandshakeAuthentication.Refusal refusal = this.authentication.check(request, attributes);
		if (refusal != null) {
			return refuse(response, callback, refusal);
		}
		JettyWebSocketSession session = new JettyWebSocketSession(attributes, null);
		JettyWebSocketHandlerAdapter adapter = new JettyWebSocketHandlerAdapter(this.handler, session);
		WebSocketCreator creator = (upgradeRequest, upgradeResponse, upgradeCallback) -> {
			if (upgradeRequest.getSubProtocols().contains(SUBPROTOCOL)) {
				upgradeResponse.setAcceptedSubProtocol(SUBPROTOCOL);
			}
			upgradeResponse.setExtensions(List.of());
			// The callback is the exchange's: Jetty completes it with the 101 response.
			return adapter;
		};
		Jetty jetty = jetty();
		if (jetty.mappings()
			.upgrade(WebSocketNegotiator.from(creator, jetty.frameHandlers()), request, response, callback,
					this.configuration)) {
			return true;
		}
		return refuse(response, callback, HandshakeAuthentication.NOT_AN_UPGRADE);
	}

	private static boolean refuse(Response response, Callback callback, HandshakeAuthentication.Refusal refusal) {
		response.setStatus(refusal.status().value());
		refusal.headers().forEach(response.getHeaders()::put);
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
		// What SecurityHeaders adds to every other /v1/ response.
		response.getHeaders().put("X-Content-Type-Options", "nosniff");
		response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
		byte[] body = refusal.body();
		response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
		response.write(true, ByteBuffer.wrap(body), callback);
		return true;
	}

	private Jetty jetty() {
		Jetty jetty = this.jetty;
		if (jetty == null) {
			jetty = Jetty.of(getServer().getDescendant(ServletContextHandler.class));
			this.jetty = jetty;
		}
		return jetty;
	}

	/**
	 * What the upgrade needs of Jetty, found once the servlet context runs: its WebSocket
	 * mappings (which do the handshake) and Jetty's factory of frame handlers for its
	 * WebSocket API, wrapped so that sessions get snapshots of the upgrade.
	 */
	private record Jetty(WebSocketMappings mappings, FrameHandlerFactory frameHandlers) {

		static Jetty of(ServletContextHandler context) {
			JettyWebSocketServerContainer container = JettyWebSocketServerContainer
				.getContainer(context.getServletContext());
			if (container == null) {
				throw new IllegalStateException("No Jetty WebSocket container in the servlet context");
			}
			WebSocketMappings mappings = WebSocketMappings.ensureMappings(context);
			JettyWebSocketFrameHandlerFactory factory = container.getBean(JettyWebSocketFrameHandlerFactory.class);
			if (factory == null) {
				factory = new JettyWebSocketFrameHandlerFactory(container, mappings.getWebSocketComponents());
			}
			return new Jetty(mappings, detaching(factory));
		}

		private static FrameHandlerFactory detaching(JettyWebSocketFrameHandlerFactory factory) {
			return (websocket, request, response) -> {
				JettyWebSocketFrameHandler frameHandler = factory.newJettyFrameHandler(websocket);
				frameHandler.setUpgradeRequest(new UpgradeRequestSnapshot(request, response));
				frameHandler.setUpgradeResponse(new UpgradeResponseSnapshot(response));
				return frameHandler;
			};
		}

	}

	/** The negotiated extensions, as Jetty's WebSocket API shows them. */
	static List<org.eclipse.jetty.websocket.api.ExtensionConfig> apiExtensions(List<ExtensionConfig> extensions) {
		if (extensions.isEmpty()) {
			return List.of();
		}
		return extensions.stream().<org.eclipse.jetty.websocket.api.ExtensionConfig>map(JettyExtensionConfig::new)
			.toList();
	}

}
