package dev.clipsync.bench.idle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Live objects by class, as {@code jcmd GC.class_histogram} counts them.
 *
 * @param classes instances and bytes, by class name
 * @param instances all instances
 * @param bytes all bytes
 */
record ClassHistogram(Map<String, long[]> classes, long instances, long bytes) {

	/**
	 * What grew from {@code before} to this one, largest growth first.
	 * @param before the earlier histogram
	 * @param limit rows returned at most
	 * @return the rows
	 */
	List<Growth> growthSince(ClassHistogram before, int limit) {
		Set<String> names = new HashSet<>(this.classes.keySet());
		names.addAll(before.classes.keySet());
		List<Growth> rows = new ArrayList<>();
		for (String name : names) {
			long[] now = this.classes.getOrDefault(name, new long[2]);
			long[] then = before.classes.getOrDefault(name, new long[2]);
			rows.add(new Growth(name, now[0] - then[0], now[1] - then[1]));
		}
		rows.sort(Comparator.comparingLong(Growth::bytes).reversed());
		return rows.subList(0, Math.min(limit, rows.size()));
	}

	/**
	 * @param name the class
	 * @param instances instances added
	 * @param bytes bytes added
	 */
	record Growth(String name, long instances, long bytes) {
	}

}
