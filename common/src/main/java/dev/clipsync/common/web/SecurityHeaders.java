package dev.clipsync.common.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Headers on every response: {@code X-Content-Type-Options: nosniff}, so no browser reads
 * a JSON answer as something else; and {@code Cache-Control: no-store} on the API, whose
 * answers carry tokens and personal data that no cache may keep. Discovery and the JWKS
 * keep their own public caching.
 */
public final class SecurityHeaders extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader("X-Content-Type-Options", "nosniff");
		if (request.getRequestURI().startsWith("/v1/")) {
			response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		}
		chain.doFilter(request, response);
	}

}
