/**
 * A user's devices: listing them and revoking one.
 */
@NullMarked
package dev.clipsync.auth.device;

import org.jspecify.annotations.NullMarked;
