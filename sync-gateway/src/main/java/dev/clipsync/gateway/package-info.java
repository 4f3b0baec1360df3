/**
 * sync-gateway: stateless WebSocket gateways that store clips and fan them out.
 */
@NullMarked
package dev.clipsync.gateway;

import org.jspecify.annotations.NullMarked;
