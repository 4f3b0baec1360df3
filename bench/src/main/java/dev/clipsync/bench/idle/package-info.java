/**
 * Heap that sync-gateway keeps per idle, authenticated WebSocket connection.
 */
@NullMarked
package dev.clipsync.bench.idle;

import org.jspecify.annotations.NullMarked;
