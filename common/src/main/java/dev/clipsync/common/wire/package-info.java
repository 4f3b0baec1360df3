/**
 * Messages that services exchange over Redis, and their JSON form.
 */
@NullMarked
package dev.clipsync.common.wire;

import org.jspecify.annotations.NullMarked;
