package dev.clipsync.bench.login;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;

/**
 * A closed loop of workers, each logging in again as soon as its last login answered, for
 * a warm-up and then a measured period.
 */
final class LoginLoad {

	// Far above any sane login; a slower one is clamped rather than lost.
	private static final long HIGHEST_MICROS = Duration.ofMinutes(2).toNanos() / 1000;

	private final AuthClient client;

	private final List<AuthClient.User> users;

	private final CpuUsage cpu;

	private final AtomicLong nextUser = new AtomicLong();

	LoginLoad(AuthClient client, List<AuthClient.User> users, CpuUsage cpu) {
		this.client = client;
		this.users = List.copyOf(users);
		this.cpu = cpu;
	}

	/**
	 * Run the load and wait for it to end.
	 * @param concurrency the number of workers, so of logins in flight
	 * @param warmup how long to run before measuring
	 * @param duration how long to measure
	 * @return what was measured
	 * @throws InterruptedException when interrupted
	 */
	Result run(int concurrency, Duration warmup, Duration duration) throws InterruptedException {
		long measureFrom = System.nanoTime() + warmup.toNanos();
		long measureUntil = measureFrom + duration.toNanos();
		Map<String, LongAdder> errors = new ConcurrentHashMap<>();
		List<Histogram> histograms = new ArrayList<>();
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < concurrency; i++) {
			Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
			histograms.add(histogram);
			String deviceName = "bench worker " + i;
			workers.add(Thread.ofPlatform()
				.name("login-" + i)
				.start(() -> work(deviceName, histogram, errors, measureFrom, measureUntil)));
		}
		sleepUntil(measureFrom);
		CpuUsage.Sample cpuFrom = this.cpu.sample();
		sleepUntil(measureUntil);
		CpuUsage.Sample cpuTo = this.cpu.sample();
		for (Thread worker : workers) {
			worker.join();
		}
		Histogram latency = new Histogram(HIGHEST_MICROS, 3);
		histograms.forEach(latency::add);
		Map<String, Long> errorCounts = new TreeMap<>();
		errors.forEach((error, count) -> errorCounts.put(error, count.sum()));
		return new Result(duration, latency, errorCounts, this.cpu.between(cpuFrom, cpuTo));
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long wait = nanoTime - System.nanoTime();
		if (wait > 0) {
			TimeUnit.NANOSECONDS.sleep(wait);
		}
	}

	private void work(String deviceName, Histogram histogram, Map<String, LongAdder> errors, long measureFrom,
			long measureUntil) {
		try {
			while (true) {
				long start = System.nanoTime();
				if (start >= measureUntil) {
					return;
				}
				AuthClient.User user = this.users
					.get(Math.floorMod(this.nextUser.getAndIncrement(), this.users.size()));
				String outcome = this.client.login(user, deviceName);
				long end = System.nanoTime();
				// Counted by when it answered, so that only logins answered inside the
				// measured period count towards its throughput.
				if (end < measureFrom || end >= measureUntil) {
					continue;
				}
				if (AuthClient.OK.equals(outcome)) {
					histogram.recordValue(Math.min((end - start) / 1000, HIGHEST_MICROS));
				}
				else {
					errors.computeIfAbsent(outcome, (key) -> new LongAdder()).increment();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * @param duration the measured period
	 * @param latency the latency of the successful logins, in microseconds
	 * @param errors failed logins by what went wrong
	 * @param cpu cores busy during the measured period
	 */
	record Result(Duration duration, Histogram latency, Map<String, Long> errors, CpuUsage.Usage cpu) {

		long logins() {
			return this.latency.getTotalCount();
		}

		long errorCount() {
			return this.errors.values().stream().mapToLong(Long::longValue).sum();
		}

		double loginsPerSecond() {
			return logins() / (this.duration.toNanos() / 1e9);
		}

		double latencyMillis(double percentile) {
			return this.latency.getValueAtPercentile(percentile) / 1000.0;
		}

		double maxLatencyMillis() {
			return this.latency.getMaxValue() / 1000.0;
		}

	}

}
