package dev.clipsync.bench.login;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The most logins per second the hardware allows: each login is one bcrypt check, which
 * keeps one core busy for its whole run and does not parallelise, so {@code cores} checks
 * run at a time at best.
 * <p>
 * The bound is measured with a check running on every core at once, as the service runs
 * them under load: on a virtual machine two checks side by side each take longer than one
 * alone (shared caches, the host's scheduling), so {@code cores / (time of one check
 * alone)} promises more than any service could reach. Both figures are reported.
 *
 * @param cost the bcrypt work factor
 * @param cores the cores of the service's machine
 * @param checkMillis the median time of one check, alone
 * @param concurrentCheckMillis the median time of one check with one running on every
 * core
 */
record BcryptBound(int cost, int cores, double checkMillis, double concurrentCheckMillis) {

	private static final String PASSWORD = "correct horse battery staple";

	/** The bound: checks per second with every core checking. */
	double loginsPerSecond() {
		return this.cores * 1000.0 / this.concurrentCheckMillis;
	}

	/** What the bound would be if checks side by side ran as fast as one alone. */
	double loginsPerSecondFromOneCheck() {
		return this.cores * 1000.0 / this.checkMillis;
	}

	/**
	 * Time {@code matches} with the encoder auth-service uses, on an otherwise idle
	 * machine: first on one thread, then on {@code cores} threads at once.
	 * @param cost the bcrypt work factor
	 * @param cores the cores of the service's machine
	 * @param warmups checks run first, untimed, so the JIT has compiled bcrypt
	 * @param runs timed checks per thread; the median is kept
	 * @return the bound
	 */
	static BcryptBound measure(int cost, int cores, int warmups, int runs) throws InterruptedException {
		BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(cost);
		String hash = encoder.encode(PASSWORD);
		for (int i = 0; i < warmups; i++) {
			check(encoder, hash);
		}
		double alone = medianMillis(encoder, hash, runs);
		double[] medians = new double[cores];
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < cores; t++) {
			int index = t;
			threads.add(Thread.ofPlatform().name("bcrypt-bound-" + t).start(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				medians[index] = medianMillis(encoder, hash, runs);
			}));
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		// Checks per second on all cores, each thread at its own median pace.
		double perSecond = Arrays.stream(medians).map((millis) -> 1000.0 / millis).sum();
		return new BcryptBound(cost, cores, alone, cores * 1000.0 / perSecond);
	}

	private static double medianMillis(BCryptPasswordEncoder encoder, String hash, int runs) {
		long[] nanos = new long[runs];
		for (int i = 0; i < runs; i++) {
			long start = System.nanoTime();
			check(encoder, hash);
			nanos[i] = System.nanoTime() - start;
		}
		Arrays.sort(nanos);
		// The median rather than the mean: one run slowed by a GC or another process says
		// nothing about bcrypt.
		double median = (runs % 2 == 1) ? nanos[runs / 2] : (nanos[runs / 2 - 1] + nanos[runs / 2]) / 2.0;
		return median / 1_000_000.0;
	}

	private static void check(BCryptPasswordEncoder encoder, String hash) {
		if (!encoder.matches(PASSWORD, hash)) {
			throw new IllegalStateException("bcrypt did not match its own hash");
		}
	}

}
