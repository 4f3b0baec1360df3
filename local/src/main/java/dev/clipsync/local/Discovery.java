package dev.clipsync.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/**
 * The one URL a client needs: {@code /.well-known/clipsync} says where each part of the
 * API lives. Locally the services listen on ports of their own, so the answer has
 * absolute URLs.
 */
final class Discovery implements AutoCloseable {

	private final HttpServer server;

	private Discovery(HttpServer server) {
		this.server = server;
	}

	static Discovery start(int port, int authPort, int gatewayPort, int presencePort) throws IOException {
		String http = "http://127.0.0.1:";
		String body = "{\"api\":\"v1\",\"auth\":\"" + http + authPort + "/v1/auth\",\"sync\":\"ws://127.0.0.1:"
				+ gatewayPort + "/v1/sync\",\"clips\":\"" + http + gatewayPort + "/v1/clips\",\"presence\":\"" + http
				+ presencePort + "/v1/presence\",\"devices\":\"" + http + authPort + "/v1/devices\"}";
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
		server.createContext("/.well-known/clipsync", (exchange) -> {
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		server.start();
		return new Discovery(server);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
