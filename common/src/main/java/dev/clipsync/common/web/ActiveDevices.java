package dev.clipsync.common.web;

import java.util.UUID;

/**
 * Whether a device may still make requests: it exists, belongs to the user and was not
 * revoked.
 */
public interface ActiveDevices {

	boolean isActive(UUID userId, UUID deviceId);

}
