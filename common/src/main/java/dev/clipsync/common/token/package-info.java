/**
 * Verifies ClipSync access tokens (EdDSA JWTs) against the published key set, and the
 * short-lived deny list that ends a signed-out device's tokens before they expire.
 */
@NullMarked
package dev.clipsync.common.token;

import org.jspecify.annotations.NullMarked;
