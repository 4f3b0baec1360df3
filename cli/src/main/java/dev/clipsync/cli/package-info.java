/**
 * The clipsync command line: one subcommand per file, human output by default and JSON
 * with --json, one-line errors and documented exit codes.
 */
@NullMarked
package dev.clipsync.cli;

import org.jspecify.annotations.NullMarked;
