package dev.clipsync.auth.account;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.common.web.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * bcrypt hashing and checking of passwords. A check against no account (unknown email)
 * still costs one bcrypt run against a dummy hash, so a response's timing never tells
 * whether an email is registered.
 * <p>
 * bcrypt is deliberately slow, so it runs on a bounded pool of platform threads (one per
 * core by default) with a bounded queue: a burst of password checks waits its turn or is
 * refused with 503 and Retry-After, and never takes the cores every other request needs.
 */
@Component
public class Passwords implements DisposableBean {

	private final BCryptPasswordEncoder encoder;

	private final String dummyHash;

	private final ThreadPoolExecutor pool;

	private final MeterRegistry meters;

	Passwords(AuthProperties properties, MeterRegistry meters) {
		AuthProperties.Passwords settings = properties.passwords();
		this.encoder = new BCryptPasswordEncoder(settings.bcryptCost());
		this.dummyHash = this.encoder.encode("not a real password, only here to spend time");
		int threads = (settings.hashingThreads() > 0) ? settings.hashingThreads()
				: Runtime.getRuntime().availableProcessors();
		this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(Math.max(1, settings.maxWaitingChecks())),
				Thread.ofPlatform().name("bcrypt-", 0).daemon().factory(), new ThreadPoolExecutor.AbortPolicy());
		this.meters = meters;
		meters.gauge("clipsync.auth.password.checks.waiting", this.pool, (pool) -> pool.getQueue().size());
	}

	String hash(String password) {
		return run(() -> this.encoder.encode(password));
	}

	/**
	 * Whether the password matches the account's; {@code false} when there is no account,
	 * after spending the same time.
	 * @param password the candidate
	 * @param account the account, or {@code null} when the email is unknown
	 * @return whether the password is right
	 * @throws ProblemException 503 when too many checks are already waiting
	 */
	public boolean matches(String password, @Nullable UserAccount account) {
		String hash = (account != null) ? account.passwordHash() : this.dummyHash;
		// bcrypt refuses input over 72 bytes; such a password can never have been set.
		boolean tooLong = password.getBytes(StandardCharsets.UTF_8).length > Password.MAX_BYTES;
		boolean matches = run(() -> this.encoder.matches(tooLong ? "" : password, hash));
		return account != null && !tooLong && matches;
	}

	private <T> T run(Callable<T> work) {
		Future<T> result;
		try {
			result = this.pool.submit(work);
		}
		catch (RejectedExecutionException ex) {
			this.meters.counter("clipsync.auth.password.checks.refused").increment();
			throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service busy",
					"Too many password checks are under way; retry in a second.")
				.withHeader("Retry-After", "1");
		}
		try {
			return result.get();
		}
		catch (InterruptedException ex) {
			result.cancel(true);
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while checking a password", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("bcrypt failed", ex.getCause());
		}
	}

	@Override
	public void destroy() {
		this.pool.shutdownNow();
	}

}
