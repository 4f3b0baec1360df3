package dev.clipsync.client;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Where each part of the API lives, from {@code /.well-known/clipsync}: values relative
 * to the origin or absolute; a key the server does not send gets its default path.
 */
record Endpoints(URI server, URI auth, URI sync, URI clips, URI presence, URI devices, URI account,
		@Nullable URI blobs) {

	static Endpoints from(URI server, JsonNode discovery) {
		return new Endpoints(server, resolve(server, discovery, "auth", "/v1/auth"),
				websocket(resolve(server, discovery, "sync", "/v1/sync")),
				resolve(server, discovery, "clips", "/v1/clips"),
				resolve(server, discovery, "presence", "/v1/presence"),
				resolve(server, discovery, "devices", "/v1/devices"),
				resolve(server, discovery, "account", "/v1/account"), resolve(server, discovery, "blobs", "/v1/blobs"));
	}

	/** Blobs: profiles signed in before blobs existed remember no such endpoint. */
	URI blobStore() {
		return (this.blobs != null) ? this.blobs : this.server.resolve("/v1/blobs");
	}

	/** {@code base + "/" + tail}, whether or not base ends with a slash. */
	static URI at(URI base, String tail) {
		String text = base.toString();
		return URI.create(text.endsWith("/") ? text + tail : text + "/" + tail);
	}

	private static URI resolve(URI server, JsonNode discovery, String key, String fallback) {
		JsonNode value = discovery.get(key);
		String path = (value != null && value.isString() && !value.asString().isBlank()) ? value.asString() : fallback;
		return server.resolve(path);
	}

	private static URI websocket(URI uri) {
		String scheme = uri.getScheme();
		if ("http".equalsIgnoreCase(scheme)) {
			return URI.create("ws" + uri.toString().substring(4));
		}
		if ("https".equalsIgnoreCase(scheme)) {
			return URI.create("wss" + uri.toString().substring(5));
		}
		return uri;
	}

}
