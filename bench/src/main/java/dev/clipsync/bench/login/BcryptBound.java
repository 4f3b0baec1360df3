package dev.clipsync.bench.login;

import java.util.Arrays;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The most logins per second the hardware allows: each login is one bcrypt check, which
 * keeps one core busy for its whole run and does not parallelise, so {@code cores} checks
 * run at a time at best.
 *
 * @param cost the bcrypt work factor
 * @param cores the cores of the service's machine
 * @param checkMillis the median time of one check
 */
record BcryptBound(int cost, int cores, double checkMillis) {

	double loginsPerSecond() {
		return this.cores * 1000.0 / this.checkMillis;
	}

	/**
	 * Time one {@code matches} with the encoder auth-service uses, on one thread of an
	 * otherwise idle machine.
	 * @param cost the bcrypt work factor
	 * @param cores the cores of the service's machine
	 * @param warmups checks run first, untimed, so the JIT has compiled bcrypt
	 * @param runs timed checks; the median is kept
	 * @return the bound
	 */
	static BcryptBound measure(int cost, int cores, int warmups, int runs) {
		BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(cost);
		String password = "correct horse battery staple";
		String hash = encoder.encode(password);
		for (int i = 0; i < warmups; i++) {
			check(encoder, password, hash);
		}
		long[] nanos = new long[runs];
		for (int i = 0; i < runs; i++) {
			long start = System.nanoTime();
			check(encoder, password, hash);
			nanos[i] = System.nanoTime() - start;
		}
		Arrays.sort(nanos);
		// The median rather than the mean: one run slowed by a GC or another process says
		// nothing about bcrypt.
		double median = (runs % 2 == 1) ? nanos[runs / 2] : (nanos[runs / 2 - 1] + nanos[runs / 2]) / 2.0;
		return new BcryptBound(cost, cores, median / 1_000_000.0);
	}

	private static void check(BCryptPasswordEncoder encoder, String password, String hash) {
		if (!encoder.matches(password, hash)) {
			throw new IllegalStateException("bcrypt did not match its own hash");
		}
	}

}
