/**
 * What every REST service shares: RFC 9457 problem details with a stable {@code code},
 * bearer authentication of the calling device, request body limits.
 */
@NullMarked
package dev.clipsync.common.web;

import org.jspecify.annotations.NullMarked;
