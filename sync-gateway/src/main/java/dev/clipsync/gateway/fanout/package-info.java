/**
 * Fan-out between gateways: one Redis channel per user, subscribed while the user has a
 * connection here; re-subscribed and re-synced after Redis comes back.
 */
@NullMarked
package dev.clipsync.gateway.fanout;

import org.jspecify.annotations.NullMarked;
