package dev.clipsync.client;

import java.net.URI;
import java.util.UUID;

/**
 * Who a profile is signed in as.
 *
 * @param server the server URL the user gave
 * @param email the account's email
 * @param userId the user
 * @param deviceId this device
 * @param deviceName this device's name
 */
public record Account(URI server, String email, UUID userId, UUID deviceId, String deviceName) {
}
