/**
 * presence-service: which devices of each user are online, from the gateways' reports.
 */
@NullMarked
package dev.clipsync.presence;

import org.jspecify.annotations.NullMarked;
