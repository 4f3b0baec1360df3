/**
 * Login throughput of auth-service, set against the bound that bcrypt puts on it.
 */
@NullMarked
package dev.clipsync.bench.login;

import org.jspecify.annotations.NullMarked;
