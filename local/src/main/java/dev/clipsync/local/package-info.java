/**
 * The whole ClipSync fleet on one machine with one command: real PostgreSQL and Redis
 * (embedded, kept in a data directory), the sync-gateways in processes of their own, and
 * auth-service and presence-service in the launcher's JVM, each in a class loader of its
 * own (or in processes of their own, as in production, with --separate-processes).
 */
@NullMarked
package dev.clipsync.local;

import org.jspecify.annotations.NullMarked;
