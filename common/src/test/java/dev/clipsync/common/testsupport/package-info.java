/**
 * Real PostgreSQL and Redis for tests, found or started once per test JVM: from
 * environment variables, else Testcontainers when a Docker engine answers, else embedded
 * servers.
 */
@NullMarked
package dev.clipsync.common.testsupport;

import org.jspecify.annotations.NullMarked;
