/**
 * Blobs: large clips and files uploaded once and fetched on demand, with size and quota
 * limits, digest checks, ranged downloads, and deletion once no clip refers to them.
 */
@NullMarked
package dev.clipsync.gateway.blobs;

import org.jspecify.annotations.NullMarked;
