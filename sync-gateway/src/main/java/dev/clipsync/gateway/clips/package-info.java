/**
 * Clips: the durable per-user history in PostgreSQL (seq assignment, idempotent pushes,
 * retention), its REST API, and deletion of a deleted account's clips.
 */
@NullMarked
package dev.clipsync.gateway.clips;

import org.jspecify.annotations.NullMarked;
