/**
 * The whole ClipSync fleet on one machine with one command: real PostgreSQL and Redis
 * (embedded, kept in a data directory), and every service in a process of its own, as in
 * production.
 */
@NullMarked
package dev.clipsync.local;

import org.jspecify.annotations.NullMarked;
