package dev.clipsync.bench.login;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where the cores went while the load ran: to auth-service, to this load generator, and
 * to the whole machine. Tells a service that was starved of CPU from one that spent it on
 * more than bcrypt. Each figure is best effort and missing when it cannot be read.
 */
final class CpuUsage {

	private static final Path PROC_STAT = Path.of("/proc/stat");

	private final AuthClient client;

	private final int cores = Runtime.getRuntime().availableProcessors();

	CpuUsage(AuthClient client) {
		this.client = client;
	}

	Sample sample() throws InterruptedException {
		return new Sample(System.nanoTime(), ownCpuNanos(), this.client.serviceCpuNanos(), machineTicks());
	}

	/**
	 * Average cores busy between two samples.
	 * @param from the earlier sample
	 * @param to the later sample
	 * @return the usage
	 */
	Usage between(Sample from, Sample to) {
		double wallNanos = to.nanoTime() - from.nanoTime();
		Double service = (from.serviceCpuNanos() != null && to.serviceCpuNanos() != null)
				? (to.serviceCpuNanos() - from.serviceCpuNanos()) / wallNanos : null;
		Double machine = null;
		if (from.machineTicks() != null && to.machineTicks() != null) {
			long busy = to.machineTicks()[0] - from.machineTicks()[0];
			long total = to.machineTicks()[1] - from.machineTicks()[1];
			machine = (total > 0) ? this.cores * (double) busy / total : null;
		}
		return new Usage((to.ownCpuNanos() - from.ownCpuNanos()) / wallNanos, service, machine);
	}

	private static long ownCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/**
	 * Busy and total ticks of all cores, from the first line of /proc/stat: {@code cpu
	 * user nice system idle iowait irq softirq steal ...}.
	 */
	private static long @Nullable [] machineTicks() {
		try {
			List<String> lines = Files.readAllLines(PROC_STAT);
			String[] fields = lines.getFirst().trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < Math.min(fields.length, 9); i++) {
				total += Long.parseLong(fields[i]);
			}
			long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
			return new long[] { total - idle, total };
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	record Sample(long nanoTime, long ownCpuNanos, @Nullable Long serviceCpuNanos, long @Nullable [] machineTicks) {
	}

	/**
	 * @param loadGenerator cores busy in this process
	 * @param service cores busy in auth-service, from its process CPU time metric
	 * @param machine cores busy on this machine, all processes
	 */
	record Usage(double loadGenerator, @Nullable Double service, @Nullable Double machine) {

		/**
		 * Cores busy in other processes: PostgreSQL, Redis, and whatever else runs.
		 * @return the cores, or {@code null} when not known
		 */
		@Nullable Double other() {
			return (this.service != null && this.machine != null)
					? Math.max(0, this.machine - this.service - this.loadGenerator) : null;
		}

	}

}
