package dev.clipsync.gateway.session;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.FrameHandlerFactory;
import org.eclipse.jetty.websocket.core.server.WebSocketCreator;
import org.eclipse.jetty.websocket.core.server.WebSocketMappings;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.jspecify.annotations.Nullable;

/**
 * Upgrades {@code /v1/sync} to a WebSocket in Jetty's core, before the request reaches
 * the servlet context: no filter chain, no Spring MVC dispatch, no servlet request
 * wrappers. In a reconnect storm every handshake went through all of them, and the JIT
 * compiled all of them, for a request that needs none. Each connection then runs on a
 * {@link SyncFrameHandler}, also on Jetty's core API.
 * <p>
 * The connection keeps nothing of the upgrade request: no headers (the bearer token among
 * them), no view of the HTTP exchange. {@link HandshakeAuthentication} has read what the
 * session needs by then.
 * <p>
 * No extension is accepted, {@code permessage-deflate} included: each connection would
 * keep a zlib context, about 120 KB of native memory (docs/decisions/0001), for clips
 * that are mostly small or already compressed.
 */
final class SyncUpgradeHandler extends Handler.Wrapper {

	static final String PATH = "/v1/sync";

	static final String SUBPROTOCOL = "clipsync.v1";

	private final HandshakeAuthentication authentication;

	private final SyncHandler handler;

	private final Configuration.ConfigurationCustomizer configuration = new Configuration.ConfigurationCustomizer();

	private volatile @Nullable WebSocketMappings mappings;

	/**
	 * @param next where every other request goes
	 * @param authentication decides whether a handshake may upgrade
	 * @param handler the sync protocol
	 * @param maxTextMessageSize the largest text message accepted, in bytes
	 * @param maxBinaryMessageSize the largest binary message accepted, in bytes
	 * @param idleTimeout how long a connection may stay silent before Jetty closes it
	 */
	SyncUpgradeHandler(Handler next, HandshakeAuthentication authentication, SyncHandler handler,
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
		SyncFrameHandler connection;
		switch (this.authentication.check(request)) {
			case HandshakeAuthentication.Refusal refusal -> {
				return refuse(response, callback, refusal);
			}
			case HandshakeAuthentication.Accepted accepted ->
				connection = new SyncFrameHandler(this.handler, accepted.token(), accepted.resumeAfter());
		}
		WebSocketCreator creator = (upgradeRequest, upgradeResponse, upgradeCallback) -> {
			if (upgradeRequest.getSubProtocols().contains(SUBPROTOCOL)) {
				upgradeResponse.setAcceptedSubProtocol(SUBPROTOCOL);
			}
			upgradeResponse.setExtensions(List.of());
			// The callback is the exchange's: Jetty completes it with the 101 response.
			return connection;
		};
		if (mappings().upgrade(WebSocketNegotiator.from(creator, FRAME_HANDLERS), request, response, callback,
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

	/**
	 * Jetty's WebSocket mappings, which do the handshake; found once the context runs.
	 */
	private WebSocketMappings mappings() {
		WebSocketMappings mappings = this.mappings;
		if (mappings == null) {
			mappings = WebSocketMappings.ensureMappings(getServer().getDescendant(ServletContextHandler.class));
			this.mappings = mappings;
		}
		return mappings;
	}

	/** The creator already made the frame handler. */
	private static final FrameHandlerFactory FRAME_HANDLERS = (websocket, request,
			response) -> (FrameHandler) websocket;

}
