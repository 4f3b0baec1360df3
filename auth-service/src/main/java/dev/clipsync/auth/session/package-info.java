/**
 * A device's session: login, refresh with rotation and reuse detection, logout.
 */
@NullMarked
package dev.clipsync.auth.session;

import org.jspecify.annotations.NullMarked;
