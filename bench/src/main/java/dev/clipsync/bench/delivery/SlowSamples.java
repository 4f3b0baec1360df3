package dev.clipsync.bench.delivery;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Every ack and delivery slower than a bound, written down with the moment it arrived on
 * two clocks: the monotonic one ({@link System#nanoTime()}, which perf stamps its samples
 * with under {@code -k CLOCK_MONOTONIC}) and the wall clock (which the JVM's
 * {@code -Xlog:gc:...:time} stamps pauses with). A tail made of stalls then shows as
 * clusters of lines, which can be put beside whatever else ran at those moments.
 */
final class SlowSamples implements AutoCloseable {

	private final BufferedWriter out;

	private final long boundMicros;

	/**
	 * @param file where to write, replaced if it exists
	 * @param bound the latency from which a sample is written
	 */
	SlowSamples(Path file, Duration bound) throws IOException {
		this.out = Files.newBufferedWriter(file);
		this.boundMicros = bound.toNanos() / 1000;
		this.out.write("# monotonic_us wall_clock what latency_us\n");
	}

	/**
	 * An ack or a delivery, written when it took at least the bound.
	 * @param what "ack" or "delivery"
	 * @param arrivedAt when it was read, by {@link System#nanoTime()}
	 * @param latencyMicros how long it took
	 */
	void sample(String what, long arrivedAt, long latencyMicros) {
		if (latencyMicros >= this.boundMicros) {
			write(arrivedAt, what, latencyMicros);
		}
	}

	/**
	 * A moment of the run, such as the start of a measured window.
	 * @param what one word
	 */
	void mark(String what) {
		write(System.nanoTime(), what, 0);
	}

	private synchronized void write(long monotonicNanos, String what, long latencyMicros) {
		try {
			this.out.write(monotonicNanos / 1000 + " " + Instant.now() + " " + what + " " + latencyMicros + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public synchronized void close() throws IOException {
		this.out.close();
	}

}
