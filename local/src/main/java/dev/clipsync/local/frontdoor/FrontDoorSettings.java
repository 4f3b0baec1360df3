package dev.clipsync.local.frontdoor;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the front door needs to know about the fleet behind it.
 *
 * @param port where clients connect (the one URL)
 * @param authPort auth-service
 * @param gatewayPorts every sync-gateway, balanced with no stickiness
 * @param presencePort presence-service
 * @param proxyAddress the loopback address the front door connects to services from; the
 * services trust forwarded headers from this address alone
 * @param web the web client's static files, when present
 */
public record FrontDoorSettings(int port, int authPort, List<Integer> gatewayPorts, int presencePort,
		InetAddress proxyAddress, @Nullable Path web) {
}
