/**
 * HTTP plumbing: bearer authentication of callers, body limits, strict JSON, problem
 * details.
 */
@NullMarked
package dev.clipsync.auth.web;

import org.jspecify.annotations.NullMarked;
