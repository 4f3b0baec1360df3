package dev.clipsync.auth.account;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.auth.device.Device;
import dev.clipsync.auth.device.DeviceRegistry;
import dev.clipsync.auth.signout.DeviceSignOut;
import dev.clipsync.auth.throttle.PasswordGuessing;
import dev.clipsync.auth.token.RefreshTokens;
import dev.clipsync.common.web.Caller;
import dev.clipsync.common.web.ProblemException;
import dev.clipsync.common.wire.SignOut;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * User accounts: created at registration, their password changed, deleted with everything
 * in them. bcrypt runs outside database transactions, so a slow hash never holds a
 * connection.
 */
@Service
public class Accounts {

	private static final Logger logger = LoggerFactory.getLogger(Accounts.class);

	private final UserAccountRepository repository;

	private final Passwords passwords;

	private final PasswordGuessing guessing;

	private final DeviceRegistry devices;

	private final RefreshTokens refreshTokens;

	private final DeviceSignOut signOut;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final MeterRegistry meters;

	Accounts(UserAccountRepository repository, Passwords passwords, PasswordGuessing guessing, DeviceRegistry devices,
			RefreshTokens refreshTokens, DeviceSignOut signOut, TransactionTemplate transaction, Clock clock,
			MeterRegistry meters) {
		this.repository = repository;
		this.passwords = passwords;
		this.guessing = guessing;
		this.devices = devices;
		this.refreshTokens = refreshTokens;
		this.signOut = signOut;
		this.transaction = transaction;
		this.clock = clock;
		this.meters = meters;
	}

	UserAccount register(String email, @Nullable String displayName, String password, String clientAddress) {
		this.guessing.registration(clientAddress);
		if (this.repository.existsByEmailKey(EmailAddresses.key(email))) {
			throw emailTaken();
		}
		UserAccount account = new UserAccount(email, displayName, this.passwords.hash(password), this.clock.instant());
		try {
			this.repository.saveAndFlush(account);
		}
		catch (DataIntegrityViolationException ex) {
			throw emailTaken(); // registered by a concurrent request
		}
		this.meters.counter("clipsync.auth.registrations").increment();
		logger.info("Registered user {}", account.id());
		return account;
	}

	/**
	 * The account with this email, if any.
	 * @param email as the client sent it
	 * @return the account
	 */
	public Optional<UserAccount> findByEmail(String email) {
		return this.repository.findByEmailKey(EmailAddresses.key(email));
	}

	void changePassword(Caller caller, String currentPassword, String newPassword, String clientAddress) {
		UserAccount account = checkPassword(caller, currentPassword, clientAddress);
		String newHash = this.passwords.hash(newPassword);
		this.transaction.executeWithoutResult((status) -> {
			UserAccount current = this.repository.findById(account.id()).orElseThrow(Accounts::gone);
			current.changePassword(newHash, this.clock.instant());
			List<UUID> others = this.devices.listActive(caller.userId())
				.stream()
				.map(Device::id)
				.filter((id) -> !id.equals(caller.deviceId()))
				.toList();
			this.refreshTokens.revokeForDevices(others);
			this.signOut.signOut(caller.userId(), others, SignOut.Reason.PASSWORD_CHANGED);
		});
		logger.info("User {} changed the password; other devices signed out", caller.userId());
	}

	void delete(Caller caller, String password, String clientAddress) {
		checkPassword(caller, password, clientAddress);
		this.transaction.executeWithoutResult((status) -> {
			List<UUID> all = this.devices.listActive(caller.userId()).stream().map(Device::id).toList();
			// Devices and refresh tokens go with the user (ON DELETE CASCADE).
			this.repository.deleteById(caller.userId());
			this.repository.flush();
			this.signOut.signOut(caller.userId(), all, SignOut.Reason.ACCOUNT_DELETED);
			this.signOut.announceAccountDeleted(caller.userId());
		});
		logger.info("Deleted user {}", caller.userId());
	}

	private UserAccount checkPassword(Caller caller, String password, String clientAddress) {
		UserAccount account = this.repository.findById(caller.userId()).orElseThrow(Accounts::gone);
		this.guessing.checkAllowed(account.emailKey(), clientAddress);
		if (!this.passwords.matches(password, account)) {
			this.guessing.recordFailure(account.emailKey(), clientAddress);
			throw invalidCredentials();
		}
		return account;
	}

	private static ProblemException emailTaken() {
		return new ProblemException(HttpStatus.CONFLICT, "email_taken", "Email already registered",
				"An account with this email already exists.");
	}

	private static ProblemException invalidCredentials() {
		return new ProblemException(HttpStatus.FORBIDDEN, "invalid_credentials", "Invalid credentials",
				"The password is wrong.");
	}

	private static ProblemException gone() {
		return ProblemException.unauthorized("The account no longer exists.");
	}

}
