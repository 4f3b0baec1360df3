/**
 * Clip delivery under load: connect rate, ack and delivery latency, loss and duplicates,
 * against ClipSync's gateways or the Node.js peer in bench/peer.
 */
@NullMarked
package dev.clipsync.bench.delivery;

import org.jspecify.annotations.NullMarked;
