/**
 * A JDK AOT cache for the sync-gateway, trained with the delivery load against databases
 * of its own: what the gateway's image is built with.
 */
@NullMarked
package dev.clipsync.bench.training;

import org.jspecify.annotations.NullMarked;
