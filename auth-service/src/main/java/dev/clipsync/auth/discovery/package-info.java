/**
 * Discovery: the one document a client reads to find every part of the API.
 */
@NullMarked
package dev.clipsync.auth.discovery;

import org.jspecify.annotations.NullMarked;
