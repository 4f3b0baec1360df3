/**
 * What the benchmarks share.
 */
@NullMarked
package dev.clipsync.bench;

import org.jspecify.annotations.NullMarked;
