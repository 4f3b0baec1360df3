/**
 * Limits on password guessing and registration floods, kept in Redis so every replica
 * counts together.
 */
@NullMarked
package dev.clipsync.auth.throttle;

import org.jspecify.annotations.NullMarked;
