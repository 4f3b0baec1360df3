/**
 * A profile's state on disk: files only the user can read, written atomically, under a
 * lock shared by every process of the profile.
 */
@NullMarked
package dev.clipsync.client.profile;

import org.jspecify.annotations.NullMarked;
