/**
 * The local fleet's front door: one origin routed by path like the compose nginx and the
 * Kubernetes Ingress, built on Spring Cloud Gateway.
 */
@NullMarked
package dev.clipsync.local.frontdoor;

import org.jspecify.annotations.NullMarked;
