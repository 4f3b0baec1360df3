/**
 * Keeping presence right: connect and disconnect events as they come, reconciliation with
 * the gateways' own connection sets (which also sweeps gateways that died), and devices
 * that were revoked or accounts deleted.
 */
@NullMarked
package dev.clipsync.presence.tracker;

import org.jspecify.annotations.NullMarked;
