/**
 * Fault drills: a real fleet, each service in a process of its own, driven by WebSocket
 * clients that reconnect and resume as real clients do, while its parts fail one by one.
 */
@NullMarked
package dev.clipsync.drills;

import org.jspecify.annotations.NullMarked;
