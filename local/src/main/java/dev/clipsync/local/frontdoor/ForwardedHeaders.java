package dev.clipsync.local.frontdoor;

import java.net.InetSocketAddress;
import java.util.Locale;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The front door is the edge: whatever forwarding headers a client sends are dropped, and
 * {@code X-Forwarded-For} is the address the client really connected from, so the address
 * auth-service throttles by cannot be forged (like nginx's
 * {@code proxy_set_header X-Forwarded-For $remote_addr}). Spring Cloud Gateway's own
 * forwarded-header filters append to what the client sent; they are switched off.
 */
final class ForwardedHeaders implements HttpHeadersFilter, Ordered {

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		HttpHeaders headers = new HttpHeaders();
		input.forEach((name, values) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			if (!lower.equals("forwarded") && !lower.startsWith("x-forwarded-") && !lower.equals("x-real-ip")) {
				headers.addAll(name, values);
			}
		});
		InetSocketAddress client = exchange.getRequest().getRemoteAddress();
		if (client != null && client.getAddress() != null) {
			headers.set("X-Forwarded-For", client.getAddress().getHostAddress());
		}
		headers.set("X-Forwarded-Proto",
				exchange.getRequest().getURI().getScheme().startsWith("https") ? "https" : "http");
		return headers;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
