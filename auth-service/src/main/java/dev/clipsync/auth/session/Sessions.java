package dev.clipsync.auth.session;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.auth.account.Accounts;
import dev.clipsync.auth.account.EmailAddresses;
import dev.clipsync.auth.account.Passwords;
import dev.clipsync.auth.account.UserAccount;
import dev.clipsync.auth.device.Device;
import dev.clipsync.auth.device.DeviceRegistry;
import dev.clipsync.auth.signout.DeviceSignOut;
import dev.clipsync.auth.throttle.PasswordGuessing;
import dev.clipsync.auth.token.AccessTokenIssuer;
import dev.clipsync.auth.token.RefreshTokens;
import dev.clipsync.common.web.Caller;
import dev.clipsync.common.web.ProblemException;
import dev.clipsync.common.wire.SignOut;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Device sessions: login (throttled, constant-time whether or not the email exists),
 * refresh with rotation, and logout.
 */
@Service
class Sessions {

	private static final Logger logger = LoggerFactory.getLogger(Sessions.class);

	private final Accounts accounts;

	private final Passwords passwords;

	private final PasswordGuessing guessing;

	private final DeviceRegistry devices;

	private final AccessTokenIssuer accessTokens;

	private final RefreshTokens refreshTokens;

	private final DeviceSignOut signOut;

	private final TransactionTemplate transaction;

	private final MeterRegistry meters;

	Sessions(Accounts accounts, Passwords passwords, PasswordGuessing guessing, DeviceRegistry devices,
			AccessTokenIssuer accessTokens, RefreshTokens refreshTokens, DeviceSignOut signOut,
			TransactionTemplate transaction, MeterRegistry meters) {
		this.accounts = accounts;
		this.passwords = passwords;
		this.guessing = guessing;
		this.devices = devices;
		this.accessTokens = accessTokens;
		this.refreshTokens = refreshTokens;
		this.signOut = signOut;
		this.transaction = transaction;
		this.meters = meters;
	}

	/**
	 * Log in on a new device ({@code newDevice}) or an existing one ({@code deviceId}).
	 */
	TokenPair login(String email, String password, LoginRequest.@Nullable NewDevice newDevice, @Nullable UUID deviceId,
			String clientAddress) {
		String emailKey = EmailAddresses.key(email);
		try {
			this.guessing.checkAllowed(emailKey, clientAddress);
		}
		catch (ProblemException ex) {
			loginOutcome("throttled");
			throw ex;
		}
		UserAccount account = this.accounts.findByEmail(email).orElse(null);
		if (!this.passwords.matches(password, account)) {
			this.guessing.recordFailure(emailKey, clientAddress);
			loginOutcome("failed");
			throw new ProblemException(HttpStatus.UNAUTHORIZED, "invalid_credentials", "Invalid credentials",
					"The email or the password is wrong.");
		}
		Device device;
		if (newDevice != null) {
			device = this.devices.register(account.id(), newDevice.name(), newDevice.platform());
		}
		else {
			// Unknown, another user's or revoked: the same answer, and the client's
			// remedy is
			// the same too: log in as a new device.
			device = this.devices.findActive(account.id(), deviceId).orElseThrow(() -> {
				loginOutcome("device_revoked");
				return new ProblemException(HttpStatus.FORBIDDEN, "device_revoked", "Device revoked",
						"This device was revoked or does not exist; log in as a new device.");
			});
			this.devices.seen(device);
		}
		loginOutcome("ok");
		logger.info("User {} logged in on device {}", account.id(), device.id());
		return tokenPair(device);
	}

	TokenPair refresh(String refreshToken) {
		RefreshTokens.Exchange exchange = this.refreshTokens.exchange(refreshToken);
		return switch (exchange) {
			case RefreshTokens.Exchange.Exchanged(UUID deviceId) -> {
				Optional<Device> device = this.devices.find(deviceId).filter(Device::isActive);
				if (device.isEmpty()) {
					yield invalidRefresh();
				}
				this.devices.seen(device.get());
				refreshOutcome("ok");
				yield tokenPair(device.get());
			}
			case RefreshTokens.Exchange.Invalid() -> invalidRefresh();
			case RefreshTokens.Exchange.Reused(UUID deviceId) -> {
				refreshOutcome("reused");
				this.meters.counter("clipsync.auth.token.reuse.detected").increment();
				this.devices.find(deviceId)
					.ifPresent((device) -> this.transaction.executeWithoutResult((status) -> this.signOut
						.signOut(device.userId(), List.of(deviceId), SignOut.Reason.TOKEN_REUSED)));
				throw new ProblemException(HttpStatus.UNAUTHORIZED, "token_reused", "Refresh token reused",
						"This refresh token was already used; the device's session is revoked. Log in again.");
			}
		};
	}

	void logout(Caller caller) {
		this.transaction.executeWithoutResult((status) -> {
			this.refreshTokens.revokeForDevices(List.of(caller.deviceId()));
			this.signOut.signOut(caller.userId(), List.of(caller.deviceId()), SignOut.Reason.LOGGED_OUT);
		});
		logger.info("User {} logged out device {}", caller.userId(), caller.deviceId());
	}

	private TokenPair tokenPair(Device device) {
		return new TokenPair(this.accessTokens.issue(device.userId(), device.id(), device.name(), device.platform()),
				"Bearer", this.accessTokens.lifetime().toSeconds(), this.refreshTokens.issue(device.id()),
				this.refreshTokens.lifetime().toSeconds(), device.userId(), device.id());
	}

	private TokenPair invalidRefresh() {
		refreshOutcome("invalid");
		throw new ProblemException(HttpStatus.UNAUTHORIZED, "invalid_token", "Invalid refresh token",
				"The refresh token is unknown, expired or revoked. Log in again.");
	}

	private void loginOutcome(String outcome) {
		this.meters.counter("clipsync.auth.logins", "outcome", outcome).increment();
	}

	private void refreshOutcome(String outcome) {
		this.meters.counter("clipsync.auth.refreshes", "outcome", outcome).increment();
	}

}
