/**
 * WebSocket sessions: handshake authentication, the sync protocol, delivery in seq order,
 * limits.
 */
@NullMarked
package dev.clipsync.gateway.session;

import org.jspecify.annotations.NullMarked;
