package dev.clipsync.gateway.session;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.eclipse.jetty.websocket.api.UpgradeResponse;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.jspecify.annotations.Nullable;

/**
 * What a WebSocket session keeps of its handshake response, in place of Jetty's
 * {@code CompletedUpgradeResponse}, which keeps a live view of the servlet response's
 * headers and with it the whole HTTP exchange: only the accepted subprotocol and the
 * agreed extensions, copied, and no headers.
 */
final class UpgradeResponseSnapshot implements UpgradeResponse {

	private static final int SWITCHING_PROTOCOLS = 101;

	private final @Nullable String acceptedSubProtocol;

	private final List<ExtensionConfig> extensions;

	UpgradeResponseSnapshot(ServerUpgradeResponse response) {
		this.acceptedSubProtocol = response.getAcceptedSubProtocol();
		this.extensions = SyncUpgradeHandler.apiExtensions(response.getExtensions());
	}

	@Override
	public @Nullable String getAcceptedSubProtocol() {
		return this.acceptedSubProtocol;
	}

	@Override
	public List<ExtensionConfig> getExtensions() {
		return this.extensions;
	}

	@Override
	public @Nullable String getHeader(String name) {
		return null;
	}

	@Override
	public Set<String> getHeaderNames() {
		return Set.of();
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
	public int getStatusCode() {
		return SWITCHING_PROTOCOLS;
	}

}
