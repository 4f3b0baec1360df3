/**
 * A real fleet for client tests: auth-service, two sync-gateways and presence-service,
 * each from its jar in a process of its own, behind proxies a test can cut.
 */
@NullMarked
package dev.clipsync.client.testfleet;

import org.jspecify.annotations.NullMarked;
