/**
 * What presence-service needs from a gateway: connect and disconnect events on a Redis
 * Stream, the set of this gateway's live connections, and a liveness key that expires
 * when the gateway dies without a word.
 */
@NullMarked
package dev.clipsync.gateway.presence;

import org.jspecify.annotations.NullMarked;
