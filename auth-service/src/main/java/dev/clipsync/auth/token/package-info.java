/**
 * Signing keys, access tokens, the published JWK Set, and rotating refresh tokens.
 */
@NullMarked
package dev.clipsync.auth.token;

import org.jspecify.annotations.NullMarked;
