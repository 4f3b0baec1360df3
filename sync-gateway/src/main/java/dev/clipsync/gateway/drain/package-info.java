/**
 * Leaving gracefully: on shutdown, stop taking connections and close the open ones over a
 * window so clients do not all reconnect at once.
 */
@NullMarked
package dev.clipsync.gateway.drain;

import org.jspecify.annotations.NullMarked;
