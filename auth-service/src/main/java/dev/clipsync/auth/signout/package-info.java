/**
 * Ending devices' sessions everywhere: deny entries, sign-out messages and account events
 * in Redis.
 */
@NullMarked
package dev.clipsync.auth.signout;

import org.jspecify.annotations.NullMarked;
