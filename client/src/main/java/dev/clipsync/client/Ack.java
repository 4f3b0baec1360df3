package dev.clipsync.client;

import java.util.UUID;

/**
 * The server stored a push.
 *
 * @param id the push's id
 * @param seq the seq it got
 * @param duplicate the id had been stored before (a resend): not delivered again
 */
public record Ack(UUID id, long seq, boolean duplicate) {
}
