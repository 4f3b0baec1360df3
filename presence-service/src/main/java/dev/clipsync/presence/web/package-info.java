/**
 * The presence REST API and its HTTP plumbing.
 */
@NullMarked
package dev.clipsync.presence.web;

import org.jspecify.annotations.NullMarked;
