package dev.clipsync.local.frontdoor;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.isAlreadyRouted;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.setAlreadyRouted;

/**
 * Proxies {@code /v1/sync} the way nginx does, in place of Spring Cloud Gateway's own
 * WebSocket filter, which (in 5.0) accepts the client's upgrade before it has reached a
 * gateway and rewrites close codes 1012 and 1013 to 1002. Here the client's handshake is
 * answered only once a gateway has accepted it: a gateway's refusal (401 with its
 * {@code WWW-Authenticate}, 503 while draining) reaches the client as that status, and a
 * close code from either side passes through unchanged.
 */
final class GatewayWebSocketProxy implements GlobalFilter, Ordered {

	/** The hop-by-hop and handshake headers of a gateway's refusal, not passed on. */
	private static final Set<String> NOT_PASSED_ON = Set.of("connection", "keep-alive", "transfer-encoding",
			"content-length", "upgrade");

	private final HttpClient httpClient;

	private final Supplier<WebsocketClientSpec.Builder> clientSpec;

	private final WebSocketService server;

	private final ObjectProvider<List<HttpHeadersFilter>> headersFilters;

	GatewayWebSocketProxy(HttpClient httpClient, Supplier<WebsocketClientSpec.Builder> clientSpec,
			WebSocketService server, ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
		this.httpClient = httpClient;
		this.clientSpec = clientSpec;
		this.server = server;
		this.headersFilters = headersFilters;
	}

	@Override
	public int getOrder() {
		// before Spring Cloud Gateway's WebsocketRoutingFilter and NettyRoutingFilter
		return Ordered.LOWEST_PRECEDENCE - 2;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		URI target = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
		String upgrade = exchange.getRequest().getHeaders().getUpgrade();
		if (target == null || isAlreadyRouted(exchange) || !"websocket".equalsIgnoreCase(upgrade)) {
			return chain.filter(exchange);
		}
		setAlreadyRouted(exchange);
		URI gateway = UriComponentsBuilder.fromUri(target).scheme("ws").build(true).toUri();
		HttpHeaders headers = HttpHeadersFilter.filterRequest(this.headersFilters.getIfAvailable(ArrayList::new),
				exchange);
		headers.remove(HttpHeaders.HOST);
		headers.headerNames()
			.stream()
			.filter((name) -> name.toLowerCase(Locale.ROOT).startsWith("sec-websocket"))
			.toList()
			.forEach(headers::remove);
		List<String> protocols = protocols(exchange.getRequest().getHeaders());

		Sinks.One<WebSocketSession> connected = Sinks.one();
		Sinks.Empty<Void> clientGone = Sinks.empty();
		RefusedHandshake refusal = new RefusedHandshake();
		// on every request, whether its connection is new or from the pool
		WebSocketClient client = new ReactorNettyWebSocketClient(
				this.httpClient
					.doOnRequest((request, connection) -> connection.addHandlerFirst(RefusedHandshake.NAME, refusal)),
				this.clientSpec);
		client.execute(gateway, headers, new WebSocketHandler() {

			@Override
			public List<String> getSubProtocols() {
				return protocols;
			}

			@Override
			public Mono<Void> handle(WebSocketSession upstream) {
				connected.tryEmitValue(upstream);
				return clientGone.asMono();
			}

		}).subscribe(null, connected::tryEmitError, () -> connected.tryEmitEmpty());

		return connected.asMono()
			.flatMap((upstream) -> this.server.handleRequest(exchange, new Pipe(upstream, clientGone))
				.doOnError((ex) -> clientGone.tryEmitEmpty()))
			.onErrorResume(WebSocketClientHandshakeException.class, (ex) -> refused(exchange, ex, refusal.body()))
			.onErrorResume((ex) -> !(ex instanceof WebSocketClientHandshakeException),
					(ex) -> unavailable(exchange.getResponse()));
	}

	/**
	 * The gateway answered the handshake with something other than 101: pass it on as it
	 * came, status, headers ({@code WWW-Authenticate}, {@code Retry-After}, ...) and the
	 * problem detail saying why.
	 */
	private static Mono<Void> refused(ServerWebExchange exchange, WebSocketClientHandshakeException ex, byte[] body) {
		ServerHttpResponse response = exchange.getResponse();
		HttpStatus status = HttpStatus.valueOf(ex.response().status().code());
		ex.response().headers().forEach((header) -> {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			if (!NOT_PASSED_ON.contains(name) && !name.startsWith("sec-websocket")) {
				response.getHeaders().add(header.getKey(), header.getValue());
			}
		});
		if (body.length == 0) {
			return Problems.write(response, status);
		}
		response.setStatusCode(status);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

	private static Mono<Void> unavailable(ServerHttpResponse response) {
		response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		return Problems.write(response, HttpStatus.SERVICE_UNAVAILABLE);
	}

	private static List<String> protocols(HttpHeaders headers) {
		List<String> protocols = new ArrayList<>();
		for (String value : headers.getOrEmpty("Sec-WebSocket-Protocol")) {
			protocols.addAll(List.of(StringUtils.tokenizeToStringArray(value, ",")));
		}
		return protocols;
	}

	/**
	 * The client's side, once a gateway has accepted: frames both ways as they come, and
	 * a close on one side closes the other with the same code.
	 */
	private static final class Pipe implements WebSocketHandler {

		private final WebSocketSession upstream;

		private final Sinks.Empty<Void> clientGone;

		Pipe(WebSocketSession upstream, Sinks.Empty<Void> clientGone) {
			this.upstream = upstream;
			this.clientGone = clientGone;
		}

		@Override
		public List<String> getSubProtocols() {
			// offer the client exactly what the gateway chose
			String chosen = this.upstream.getHandshakeInfo().getSubProtocol();
			return (chosen != null) ? List.of(chosen) : List.of();
		}

		@Override
		public Mono<Void> handle(WebSocketSession client) {
			Mono<Void> upstreamClosed = this.upstream.closeStatus()
				.defaultIfEmpty(CloseStatus.GOING_AWAY)
				.filter((status) -> client.isOpen())
				.flatMap((status) -> client.close(passOn(status)));
			Mono<Void> clientClosed = client.closeStatus()
				.defaultIfEmpty(CloseStatus.GOING_AWAY)
				.filter((status) -> this.upstream.isOpen())
				.flatMap((status) -> this.upstream.close(passOn(status)));
			Mono<Void> toGateway = this.upstream.send(client.receive().doOnNext(WebSocketMessage::retain));
			Mono<Void> toClient = client.send(this.upstream.receive().doOnNext(WebSocketMessage::retain));
			Mono.when(upstreamClosed, clientClosed).subscribe();
			return Mono.zip(toGateway, toClient).then().doFinally((signal) -> this.clientGone.tryEmitEmpty());
		}

		/**
		 * Codes that may be sent in a close frame pass unchanged (1012 restarting, 1013
		 * try later, 44xx); "no status" and "abnormal closure" (a gateway killed) become
		 * 1001 going away, which clients treat as "reconnect".
		 */
		private static CloseStatus passOn(CloseStatus status) {
			int code = status.getCode();
			boolean sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
					|| (code >= 3000 && code <= 4999);
			return sendable ? status : CloseStatus.GOING_AWAY;
		}

	}

}
