package dev.clipsync.gateway.session;

import java.net.HttpCookie;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.eclipse.jetty.websocket.api.UpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.jspecify.annotations.Nullable;

/**
 * What a WebSocket session keeps of its handshake request, in place of Jetty's
 * {@code CompletedUpgradeRequest}: the request line and what was agreed, but no headers,
 * cookies or offered subprotocols, which may carry the bearer token and would cost about
 * 2 KB per connection twice over (Jetty's copy, and Spring's copy of Jetty's). Nothing
 * reads them after the upgrade.
 */
final class UpgradeRequestSnapshot implements UpgradeRequest {

	private final URI requestUri;

	private final String method;

	private final String httpVersion;

	private final String protocolVersion;

	private final boolean secure;

	private final List<String> subProtocols;

	private final List<ExtensionConfig> extensions;

	UpgradeRequestSnapshot(ServerUpgradeRequest request, ServerUpgradeResponse response) {
		this.requestUri = request.getHttpURI().toURI();
		this.method = request.getMethod();
		this.httpVersion = request.getConnectionMetaData().getHttpVersion().asString();
		this.protocolVersion = "13".equals(request.getProtocolVersion()) ? "13" : request.getProtocolVersion();
		this.secure = request.isSecure();
		String accepted = response.getAcceptedSubProtocol();
		this.subProtocols = (accepted != null) ? List.of(accepted) : List.of();
		this.extensions = SyncUpgradeHandler.apiExtensions(response.getExtensions());
	}

	@Override
	public List<HttpCookie> getCookies() {
		return List.of();
	}

	/** Only the extensions that were agreed. */
	@Override
	public List<ExtensionConfig> getExtensions() {
		return this.extensions;
	}

	@Override
	public @Nullable String getHeader(String name) {
		return null;
	}

	@Override
	public int getHeaderInt(String name) {
		return -1;
	}

	@Override
	public Map<String, List<String>> getHeaders() {
		return Map.of();
	}

	@Override
	public List<String> getHeaders(String name) {
		return List.of();
	}

	@Override
	public String getHost() {
		return this.requestUri.getHost();
	}

	@Override
	public String getHttpVersion() {
		return this.httpVersion;
	}

	@Override
	public String getMethod() {
		return this.method;
	}

	@Override
	public @Nullable String getOrigin() {
		return null;
	}

	@Override
	public Map<String, List<String>> getParameterMap() {
		return Map.of();
	}

	@Override
	public String getProtocolVersion() {
		return this.protocolVersion;
	}

	@Override
	public @Nullable String getQueryString() {
		return this.requestUri.getRawQuery();
	}

	@Override
	public URI getRequestURI() {
		return this.requestUri;
	}

	/** Only the subprotocol that was accepted: an offered one may carry the token. */
	@Override
	public List<String> getSubProtocols() {
		return this.subProtocols;
	}

	/** None: Spring's session gets the handshake's user from the handshake handler. */
	@Override
	public @Nullable Principal getUserPrincipal() {
		return null;
	}

	@Override
	public boolean hasSubProtocol(String subprotocol) {
		return this.subProtocols.contains(subprotocol);
	}

	@Override
	public boolean isSecure() {
		return this.secure;
	}

}
