package dev.clipsync.common.wire;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Some of a user's devices were signed out: every live connection of these devices must
 * be closed (WebSocket close code 4403) at once.
 *
 * @param reason why, also given to the client as the close reason
 * @param deviceIds the devices whose connections must close
 * @param at when auth-service signed them out
 */
public record SignOut(Reason reason, List<UUID> deviceIds, Instant at) implements UserChannelMessage {

	static final String TYPE = "signout";

	public SignOut {
		deviceIds = List.copyOf(deviceIds);
	}

	/** Why devices were signed out. */
	public enum Reason {

		/** The user revoked the device from another device. */
		@JsonProperty("device_revoked")
		DEVICE_REVOKED,

		/** The user changed the password; every device but the one that changed it. */
		@JsonProperty("password_changed")
		PASSWORD_CHANGED,

		/** The account and everything in it is gone. */
		@JsonProperty("account_deleted")
		ACCOUNT_DELETED,

		/** The device logged itself out. */
		@JsonProperty("logged_out")
		LOGGED_OUT,

		/** A rotated refresh token was used again: the device's session may be stolen. */
		@JsonProperty("token_reused")
		TOKEN_REUSED

	}

}
