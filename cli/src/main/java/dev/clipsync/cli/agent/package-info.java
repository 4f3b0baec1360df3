/**
 * The desktop agent: watches the system clipboard, pushes what the user copies, applies
 * what other devices copy, and never pushes back what it applied itself.
 */
@NullMarked
package dev.clipsync.cli.agent;

import org.jspecify.annotations.NullMarked;
