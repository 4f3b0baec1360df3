/**
 * Presence as it is kept in Redis: written by presence-service, read by it and by
 * gateways (which greet each new connection with the current list).
 */
@NullMarked
package dev.clipsync.common.presence;

import org.jspecify.annotations.NullMarked;
