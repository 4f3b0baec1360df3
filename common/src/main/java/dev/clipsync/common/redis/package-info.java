/**
 * Redis key and channel names that more than one service reads or writes.
 */
@NullMarked
package dev.clipsync.common.redis;

import org.jspecify.annotations.NullMarked;
