/**
 * End-to-end encryption of clips, exactly as the protocol specifies, so every client
 * interoperates.
 */
@NullMarked
package dev.clipsync.client.e2e;

import org.jspecify.annotations.NullMarked;
