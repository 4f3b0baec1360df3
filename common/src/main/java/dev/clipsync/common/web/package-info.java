/**
 * RFC 9457 problem details with a stable {@code code}, shared by every REST service.
 */
@NullMarked
package dev.clipsync.common.web;

import org.jspecify.annotations.NullMarked;
