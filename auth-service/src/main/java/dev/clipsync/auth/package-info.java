/**
 * auth-service: accounts, devices and tokens for ClipSync.
 */
@NullMarked
package dev.clipsync.auth;

import org.jspecify.annotations.NullMarked;
