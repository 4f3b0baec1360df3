package dev.clipsync.bench.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time and resident set of the server processes, read from {@code /proc}: each named
 * process with its descendants (PostgreSQL runs a process per connection, so the
 * postmaster's tree counts). Best effort: a process that is gone counts as zero.
 */
final class ProcessProbe {

	/** Linux reports CPU time in clock ticks of 1/100 s on every common platform. */
	private static final double TICK_NANOS = 10_000_000.0;

	private final Map<String, Long> roots;

	private final Map<String, Long> peakRss = new LinkedHashMap<>();

	/**
	 * @param roots process ids by name
	 */
	ProcessProbe(Map<String, Long> roots) {
		this.roots = new LinkedHashMap<>(roots);
	}

	Sample sample() {
		Map<String, long[]> byName = new LinkedHashMap<>();
		for (Map.Entry<String, Long> root : this.roots.entrySet()) {
			long cpuNanos = 0;
			long rss = 0;
			for (long pid : tree(root.getValue())) {
				long[] read = read(pid);
				cpuNanos += read[0];
				rss += read[1];
			}
			byName.put(root.getKey(), new long[] { cpuNanos, rss });
			this.peakRss.merge(root.getKey(), rss, Math::max);
		}
		return new Sample(System.nanoTime(), byName, machineBusyTicks());
	}

	/**
	 * Cores busy and memory per process between two samples.
	 * @param from the earlier sample
	 * @param to the later sample
	 * @return one entry per name, in the order given
	 */
	List<Usage> between(Sample from, Sample to) {
		double wall = to.nanoTime() - from.nanoTime();
		List<Usage> usages = new ArrayList<>();
		for (Map.Entry<String, long[]> entry : to.byName().entrySet()) {
			long[] before = from.byName().getOrDefault(entry.getKey(), new long[2]);
			double cpuNanos = Math.max(0, entry.getValue()[0] - before[0]);
			double cores = (wall > 0) ? cpuNanos / wall : 0;
			usages.add(new Usage(entry.getKey(), this.roots.get(entry.getKey()), cores, cpuNanos / 1e9,
					entry.getValue()[1] / (1024.0 * 1024.0),
					this.peakRss.getOrDefault(entry.getKey(), 0L) / (1024.0 * 1024.0)));
		}
		return usages;
	}

	private static List<Long> tree(long pid) {
		List<Long> pids = new ArrayList<>();
		pids.add(pid);
		ProcessHandle.of(pid).ifPresent((handle) -> {
			try (Stream<ProcessHandle> descendants = handle.descendants()) {
				descendants.forEach((child) -> pids.add(child.pid()));
			}
		});
		return pids;
	}

	/** utime + stime in nanoseconds, and VmRSS in bytes. */
	private static long[] read(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// The command name may hold spaces: the fields start after its closing ')'.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			long rss = 0;
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
				}
			}
			return new long[] { (long) (ticks * TICK_NANOS), rss };
		}
		catch (IOException | RuntimeException ex) {
			return new long[2];
		}
	}

	/**
	 * Cores busy on the whole machine between two samples, from {@code /proc/stat}.
	 * @return cores, or -1 when unknown
	 */
	static double machineCores(Sample from, Sample to) {
		long busy = to.machine()[0] - from.machine()[0];
		long total = to.machine()[1] - from.machine()[1];
		return (total > 0) ? Runtime.getRuntime().availableProcessors() * (double) busy / total : -1;
	}

	/**
	 * Busy and total ticks of all cores: {@code cpu user nice system idle iowait ...}.
	 */
	private static long[] machineBusyTicks() {
		try {
			String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < Math.min(fields.length, 9); i++) {
				total += Long.parseLong(fields[i]);
			}
			return new long[] { total - Long.parseLong(fields[4]) - Long.parseLong(fields[5]), total };
		}
		catch (IOException | RuntimeException ex) {
			return new long[2];
		}
	}

	record Sample(long nanoTime, Map<String, long[]> byName, long[] machine) {
	}

	/**
	 * @param name as given on the command line
	 * @param pid the root process
	 * @param cores CPU busy on average, in cores, over the process and its descendants
	 * @param cpuSeconds CPU time between the samples, the process and its descendants
	 * @param rssMiB resident set at the later sample
	 * @param peakRssMiB largest resident set seen at any sample so far
	 */
	record Usage(String name, long pid, double cores, double cpuSeconds, double rssMiB, double peakRssMiB) {
	}

}
