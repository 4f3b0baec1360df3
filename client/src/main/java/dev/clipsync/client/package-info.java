/**
 * The ClipSync SDK: accounts, clips, presence and the sync session that reconnects,
 * resumes, resends unacked pushes with the same id and refreshes its token in-band.
 */
@NullMarked
package dev.clipsync.client;

import org.jspecify.annotations.NullMarked;
