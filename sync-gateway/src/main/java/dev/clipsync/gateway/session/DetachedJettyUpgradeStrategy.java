package dev.clipsync.gateway.session;

import java.security.Principal;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletCoreRequest;
import org.eclipse.jetty.ee11.servlet.ServletCoreResponse;
import org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
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

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.adapter.jetty.JettyWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.jetty.JettyWebSocketSession;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.RequestUpgradeStrategy;

/**
 * Upgrades to a WebSocket on Jetty 12 like Spring's {@code JettyRequestUpgradeStrategy},
 * with Spring's Jetty session and handler adapter, but without keeping the HTTP exchange
 * of the handshake for the life of the connection.
 * <p>
 * Jetty's own frame handler factory hands each session a {@code CompletedUpgradeResponse}
 * which, in Jetty 12.1.14, keeps a live view of the servlet response's headers, and
 * through it the servlet request, response, channel and {@code HttpConnection} with its
 * parser and generator: about 8 KB per idle connection (docs/decisions/0001). Its
 * {@code CompletedUpgradeRequest} also keeps every handshake header, the bearer token
 * among them, which Spring's session copies once more. Here the same upgrade goes through
 * Jetty's public core API ({@link WebSocketMappings#upgrade}, the same call Jetty's
 * container makes), with a frame handler factory that gives the session small snapshots
 * instead: {@link UpgradeRequestSnapshot} and {@link UpgradeResponseSnapshot}, which keep
 * no headers. Nothing in the gateway reads the handshake headers after the upgrade;
 * {@link HandshakeAuthentication} has read the token by then.
 * <p>
 * It also applies the extensions the handshake handler selected. Spring's strategy
 * ignores them, so Jetty accepted every extension it knows, {@code permessage-deflate}
 * included, whatever the handshake handler decided.
 */
final class DetachedJettyUpgradeStrategy implements RequestUpgradeStrategy {

	private static final String[] SUPPORTED_VERSIONS = { "13" };

	// Set by Jetty's own upgrade too, for its servlet-facing request and response views.
	private static final String WRAPPED_REQUEST = "org.eclipse.jetty.websocket.wrappedRequest";

	private static final String WRAPPED_RESPONSE = "org.eclipse.jetty.websocket.wrappedResponse";

	private final Configuration.ConfigurationCustomizer configuration = new Configuration.ConfigurationCustomizer();

	private volatile @Nullable Jetty jetty;

	/**
	 * @param maxTextMessageSize the largest text message accepted, in bytes
	 * @param maxBinaryMessageSize the largest binary message accepted, in bytes
	 * @param idleTimeout how long a connection may stay silent before Jetty closes it
	 */
	DetachedJettyUpgradeStrategy(long maxTextMessageSize, long maxBinaryMessageSize, Duration idleTimeout) {
		this.configuration.setMaxTextMessageSize(maxTextMessageSize);
		this.configuration.setMaxBinaryMessageSize(maxBinaryMessageSize);
		this.configuration.setIdleTimeout(idleTimeout);
	}

	@Override
	public String[] getSupportedVersions() {
		return SUPPORTED_VERSIONS;
	}

	@Override
	public List<WebSocketExtension> getSupportedExtensions(ServerHttpRequest request) {
		return Collections.emptyList();
	}

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler handler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		if (!(request instanceof ServletServerHttpRequest servletServerRequest)
				|| !(response instanceof ServletServerHttpResponse servletServerResponse)) {
			throw new HandshakeFailureException("A servlet request and response are required");
		}
		HttpServletRequest servletRequest = servletServerRequest.getServletRequest();
		HttpServletResponse servletResponse = servletServerResponse.getServletResponse();
		Jetty jetty = jetty(servletRequest.getServletContext());

		JettyWebSocketSession session = new JettyWebSocketSession(attributes, user);
		JettyWebSocketHandlerAdapter adapter = new JettyWebSocketHandlerAdapter(handler, session);
		Set<String> extensionNames = selectedExtensions.stream()
			.map(WebSocketExtension::getName)
			.collect(Collectors.toUnmodifiableSet());
		WebSocketCreator creator = (upgradeRequest, upgradeResponse, callback) -> {
			try {
				if (selectedProtocol != null) {
					upgradeResponse.setAcceptedSubProtocol(selectedProtocol);
				}
				upgradeResponse.setExtensions(upgradeResponse.getExtensions()
					.stream()
					.filter((extension) -> extensionNames.contains(extension.getName()))
					.toList());
				callback.succeeded();
				return adapter;
			}
			catch (Throwable ex) {
				callback.failed(ex);
				return null;
			}
		};
		WebSocketNegotiator negotiator = WebSocketNegotiator.from(creator, jetty.frameHandlers());

		Request coreRequest = ServletCoreRequest.wrap(servletRequest);
		Response coreResponse = ServletCoreResponse.wrap(coreRequest, servletResponse, false);
		coreRequest.setAttribute(WRAPPED_REQUEST, servletRequest);
		coreRequest.setAttribute(WRAPPED_RESPONSE, servletResponse);
		try (Blocker.Callback callback = Blocker.callback()) {
			if (jetty.mappings().upgrade(negotiator, coreRequest, coreResponse, callback, this.configuration)) {
				callback.block();
			}
		}
		catch (Exception ex) {
			throw new HandshakeFailureException("Failed to upgrade", ex);
		}
		finally {
			coreRequest.removeAttribute(WRAPPED_REQUEST);
			coreRequest.removeAttribute(WRAPPED_RESPONSE);
		}
	}

	private Jetty jetty(ServletContext servletContext) {
		Jetty jetty = this.jetty;
		if (jetty == null) {
			jetty = Jetty.of(servletContext);
			this.jetty = jetty;
		}
		return jetty;
	}

	/**
	 * What the upgrade needs of Jetty, found once: the context's WebSocket mappings
	 * (which do the handshake) and Jetty's factory of frame handlers for its WebSocket
	 * API, the one its container uses, wrapped so that sessions get snapshots of the
	 * upgrade.
	 */
	private record Jetty(WebSocketMappings mappings, FrameHandlerFactory frameHandlers) {

		static Jetty of(ServletContext servletContext) {
			JettyWebSocketServerContainer container = JettyWebSocketServerContainer.getContainer(servletContext);
			if (container == null) {
				throw new HandshakeFailureException("No Jetty WebSocket container in the servlet context");
			}
			WebSocketMappings mappings = WebSocketMappings
				.ensureMappings(ServletContextHandler.getServletContextHandler(servletContext, "WebSocket"));
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
