package dev.clipsync.auth.session;

import java.util.UUID;

import dev.clipsync.auth.web.PlainText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * Login with either a new device to register or the id of an existing one.
 *
 * @param email the account's email
 * @param password the account's password
 * @param device a device to register
 * @param deviceId an existing device of the account
 */
record LoginRequest(@NotBlank @Size(max = 254) String email, @NotNull @Size(max = 1024) String password,
		@Valid @Nullable NewDevice device, @Nullable UUID deviceId) {

	@AssertTrue(message = "give either device or deviceId, not both")
	boolean isDeviceGivenOnce() {
		return (this.device == null) != (this.deviceId == null);
	}

	/**
	 * @param name what the user calls the device ("Work laptop")
	 * @param platform what it runs ("macos", "android", ...)
	 */
	record NewDevice(@NotBlank @Size(max = 100) @PlainText String name,
			@NotBlank @Size(max = 32) @PlainText String platform) {
	}

}
