package dev.clipsync.auth.account;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.auth.device.Device;
import dev.clipsync.auth.device.DeviceRegistry;
import dev.clipsync.auth.signout.DeviceSignOut;
import dev.clipsync.auth.throttle.PasswordGuessing;
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
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
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

	private final DeviceSignOut signOut;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final MeterRegistry meters;

	Accounts(UserAccountRepository repository, Passwords passwords, PasswordGuessing guessing, DeviceRegistry devices,
			DeviceSignOut signOut, TransactionTemplate transaction, Clock clock, MeterRegistry meters) {
		this.repository = repository;
		this.passwords = passwords;
		this.guessing = guessing;
		this.devices = devices;
		this.signOut = signOut;
		this.transaction = transaction;
		this.clock = clock;
		this.meters = meters;
	}

	UserAccount register(String email, @Nullable String displayName, String password, String clientAddress) {
		this.guessing.registration(clientAddress);
		if (this.repository.existsByEmailKeyOrEmailSkeleton(EmailAddresses.key(email),
				EmailAddresses.skeleton(email))) {
			throw emailTaken();
		}
		UserAccount account = UserAccount.create(email, displayName, this.passwords.hash(password),
				this.clock.instant());
		try {
			this.repository.insert(account);
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

	/**
	 * Lock the account for a login that checked this password hash, and tell whether it
	 * is still the account's: a password change that committed since makes the login
	 * fail, one that comes later waits for it and then signs its device out.
	 * @param checked the account as it was when the password was checked
	 * @return whether the account still exists with the same password
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public boolean lockWithPassword(UserAccount checked) {
		return this.repository.lockSharedById(checked.id())
			.filter((current) -> current.passwordHash().equals(checked.passwordHash()))
			.isPresent();
	}

	void changePassword(Caller caller, String currentPassword, String newPassword) {
		UserAccount account = checkPassword(caller, currentPassword);
		String newHash = this.passwords.hash(newPassword);
		this.transaction.executeWithoutResult((status) -> {
			UserAccount current = this.repository.lockById(account.id()).orElseThrow(Accounts::gone);
			if (!current.passwordHash().equals(account.passwordHash())) {
				// changed by another device since we checked: the password given is not
				// the current one any more
				throw invalidCredentials();
			}
			List<Device> active = this.devices.lockActive(caller.userId());
			if (active.stream().noneMatch((device) -> device.id().equals(caller.deviceId()))) {
				throw ProblemException.unauthorized("This device was signed out.");
			}
			this.repository.changePassword(current.id(), newHash, this.clock.instant());
			List<Device> others = active.stream().filter((device) -> !device.id().equals(caller.deviceId())).toList();
			this.devices.endSessions(caller.userId(), others, SignOut.Reason.PASSWORD_CHANGED);
		});
		logger.info("User {} changed the password; other devices signed out", caller.userId());
	}

	void delete(Caller caller, String password) {
		checkPassword(caller, password);
		this.transaction.executeWithoutResult((status) -> {
			this.repository.lockById(caller.userId()).orElseThrow(Accounts::gone);
			List<UUID> all = this.devices.lockActive(caller.userId()).stream().map(Device::id).toList();
			// Every device's tokens are refused before the rows go: refreshes waiting for
			// these locks then find no device.
			this.signOut.signOutForGood(caller.userId(), all, SignOut.Reason.ACCOUNT_DELETED);
			// Devices and refresh tokens go with the user (ON DELETE CASCADE).
			this.repository.delete(caller.userId());
			this.signOut.announceAccountDeleted(caller.userId());
		});
		logger.info("Deleted user {}", caller.userId());
	}

	private UserAccount checkPassword(Caller caller, String password) {
		UserAccount account = this.repository.findById(caller.userId()).orElseThrow(Accounts::gone);
		PasswordGuessing.Attempt attempt = this.guessing.deviceCheck(caller.deviceId());
		boolean matches;
		try {
			matches = this.passwords.matches(password, account);
		}
		catch (RuntimeException ex) {
			this.guessing.succeeded(attempt); // never checked: does not count
			throw ex;
		}
		if (!matches) {
			throw invalidCredentials();
		}
		this.guessing.succeeded(attempt);
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
