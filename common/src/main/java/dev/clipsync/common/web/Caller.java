package dev.clipsync.common.web;

import java.util.UUID;

/**
 * The authenticated device making a request. Declare a parameter of this type on a
 * controller method and the request must carry a valid bearer token.
 *
 * @param userId the user
 * @param deviceId the device of that user
 */
public record Caller(UUID userId, UUID deviceId) {

}
