/**
 * The web client in a real Chromium against the real local fleet.
 */
@NullMarked
package dev.clipsync.web;

import org.jspecify.annotations.NullMarked;
