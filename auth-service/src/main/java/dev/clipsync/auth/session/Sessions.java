package dev.clipsync.auth.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import dev.clipsync.auth.account.Accounts;
import dev.clipsync.auth.account.EmailAddresses;
import dev.clipsync.auth.account.Passwords;
import dev.clipsync.auth.account.UserAccount;
import dev.clipsync.auth.device.Device;
import dev.clipsync.auth.device.DeviceRegistry;
import dev.clipsync.auth.throttle.PasswordGuessing;
import dev.clipsync.auth.token.AccessTokenIssuer;
import dev.clipsync.auth.token.RefreshTokens;
import dev.clipsync.common.token.DeviceDenyList;
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

	private final DeviceDenyList denyList;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final MeterRegistry meters;

	Sessions(Accounts accounts, Passwords passwords, PasswordGuessing guessing, DeviceRegistry devices,
			AccessTokenIssuer accessTokens, RefreshTokens refreshTokens, DeviceDenyList denyList,
			TransactionTemplate transaction, Clock clock, MeterRegistry meters) {
		this.accounts = accounts;
		this.passwords = passwords;
		this.guessing = guessing;
		this.devices = devices;
		this.accessTokens = accessTokens;
		this.refreshTokens = refreshTokens;
		this.denyList = denyList;
		this.transaction = transaction;
		this.clock = clock;
		this.meters = meters;
	}

	/**
	 * Log in on a new device ({@code newDevice}) or an existing one ({@code deviceId}).
	 */
	TokenPair login(String email, String password, LoginRequest.@Nullable NewDevice newDevice, @Nullable UUID deviceId,
			String clientAddress) {
		String emailKey = EmailAddresses.key(email);
		PasswordGuessing.Attempt attempt;
		try {
			attempt = this.guessing.login(emailKey, clientAddress);
		}
		catch (ProblemException ex) {
			loginOutcome("throttled");
			throw ex;
		}
		UserAccount account;
		boolean matches;
		try {
			account = this.accounts.findByEmail(email).orElse(null);
			matches = this.passwords.matches(password, account);
		}
		catch (RuntimeException ex) {
			// not a wrong password (busy, storage down): the attempt does not count
			this.guessing.succeeded(attempt);
			throw ex;
		}
		if (!matches) {
			// the reserved attempt stays: it is the recorded failure
			loginOutcome("failed");
			throw invalidCredentials();
		}
		this.guessing.succeeded(attempt);
		// The password was checked outside any transaction (bcrypt is slow); decide with
		// the user's row locked, so a password change either comes first and this login
		// fails, or comes after and signs this new session out.
		TokenPair pair = this.transaction.execute((status) -> {
			if (!this.accounts.lockWithPassword(account)) {
				loginOutcome("failed");
				throw invalidCredentials();
			}
			Device device;
			if (newDevice != null) {
				device = this.devices.register(account.id(), newDevice.name(), newDevice.platform());
			}
			else {
				// Unknown, another user's or revoked: the same answer, and the client's
				// remedy is the same too: log in as a new device.
				device = this.devices.lock(deviceId)
					.filter((d) -> d.userId().equals(account.id()) && d.isActive())
					.orElseThrow(() -> {
						loginOutcome("device_revoked");
						return new ProblemException(HttpStatus.FORBIDDEN, "device_revoked", "Device revoked",
								"This device was revoked or does not exist; log in as a new device.");
					});
				this.devices.seen(device);
			}
			return tokenPair(device, this.clock.instant());
		});

		loginOutcome("ok");
		logger.info("User {} logged in on device {}", account.id(), pair.deviceId());
		return pair;
	}

	TokenPair refresh(String refreshToken) {
		Optional<UUID> deviceId = this.refreshTokens.deviceOf(refreshToken);
		if (deviceId.isEmpty()) {
			return invalidRefresh();
		}
		// Everything is decided with the device's row locked: a concurrent sign-out of
		// the device, or a second use of the same token, waits for this one and sees it.
		Refreshed refreshed = this.transaction.execute((status) -> {
			Device device = this.devices.lock(deviceId.get()).orElse(null);
			if (device == null) {
				return new Refreshed(null, false);
			}
			RefreshTokens.Exchange exchange = this.refreshTokens.exchange(refreshToken, device.id(),
					device.generation());
			return switch (exchange) {
				case RefreshTokens.Exchange.Exchanged(Instant sessionStartedAt) -> {
					if (!device.isActive()) {
						yield new Refreshed(null, false);
					}
					this.devices.seen(device);
					yield new Refreshed(tokenPair(device, sessionStartedAt), false);
				}
				case RefreshTokens.Exchange.Invalid() -> new Refreshed(null, false);
				case RefreshTokens.Exchange.Reused() -> {
					// The deny entries are written before this commits: if Redis is down
					// the whole decision rolls back (503) and the next attempt detects
					// reuse again.
					this.devices.endSessions(device.userId(), List.of(device), SignOut.Reason.TOKEN_REUSED);
					yield new Refreshed(null, true);
				}
			};
		});
		if (refreshed.reused()) {
			refreshOutcome("reused");
			this.meters.counter("clipsync.auth.token.reuse.detected").increment();
			logger.warn("Refresh token reuse: signed out device {}", deviceId.get());
			throw new ProblemException(HttpStatus.UNAUTHORIZED, "token_reused", "Refresh token reused",
					"This refresh token was already used; the device's session is revoked. Log in again.");
		}
		if (refreshed.pair() == null) {
			return invalidRefresh();
		}
		refreshOutcome("ok");
		return refreshed.pair();
	}

	void logout(Caller caller) {
		this.transaction.executeWithoutResult((status) -> this.devices.lock(caller.deviceId())
			.ifPresent(
					(device) -> this.devices.endSessions(caller.userId(), List.of(device), SignOut.Reason.LOGGED_OUT)));
		logger.info("User {} logged out device {}", caller.userId(), caller.deviceId());
	}

	/** A new pair for a locked device. */
	private TokenPair tokenPair(Device locked, Instant sessionStartedAt) {
		OptionalLong refusedBelow = this.denyList.firstValidGeneration(locked.userId(), locked.id());
		Device device = refusedBelow.isPresent() ? this.devices.catchUp(locked, refusedBelow.getAsLong()) : locked;
		RefreshTokens.Issued refresh = this.refreshTokens.issue(device.id(), device.generation(), sessionStartedAt);
		String access = this.accessTokens.issue(device.userId(), device.id(), device.name(), device.platform(),
				device.generation());
		return new TokenPair(access, "Bearer", this.accessTokens.lifetime().toSeconds(), refresh.token(),
				refresh.lifetime().toSeconds(), device.userId(), device.id());
	}

	private static ProblemException invalidCredentials() {
		return new ProblemException(HttpStatus.UNAUTHORIZED, "invalid_credentials", "Invalid credentials",
				"The email or the password is wrong.");
	}

	private record Refreshed(@Nullable TokenPair pair, boolean reused) {
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
