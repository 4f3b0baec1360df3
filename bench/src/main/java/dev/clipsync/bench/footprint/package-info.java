/**
 * Devices held connected to a running fleet, so its memory can be measured under load.
 */
@NullMarked
package dev.clipsync.bench.footprint;

import org.jspecify.annotations.NullMarked;
