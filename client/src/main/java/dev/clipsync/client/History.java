package dev.clipsync.client;

import java.util.List;

/**
 * A page of stored clips, ascending by seq.
 *
 * @param clips the clips
 * @param latestSeq the newest seq of the user
 */
public record History(List<Clip> clips, long latestSeq) {
}
