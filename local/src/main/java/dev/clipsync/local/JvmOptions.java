package dev.clipsync.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JVM options of each service process, sized for one person's machine rather than a
 * server (docs/decisions/0002-lean-local-fleet.md has the measurements). Production and
 * the benchmarks run the services with the JVM's defaults; only the local fleet is sized
 * down. {@value #OVERRIDE} in the environment replaces all of them, to measure other
 * choices.
 */
final class JvmOptions {

	static final String OVERRIDE = "CLIPSYNC_LOCAL_JAVA_OPTS";

	/**
	 * Heap limits by module: the live heap after start is 25-50 MB, and 1,000 idle
	 * devices add a few MB to each gateway (decision 1); the heap grows only as far as it
	 * is used.
	 */
	private static final Map<String, String> MAX_HEAP = Map.of("auth-service", "128m", "sync-gateway", "128m",
			"presence-service", "64m");

	private static final List<String> COMMON = List.of(
			// no GC threads or regions to pay for; a small young generation, and a heap
			// that gives back what it does not use after a full collection
			"-XX:+UseSerialGC", "-Xms16m", "-XX:MaxNewSize=12m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
			// C1 only: no C2 compiler threads and their arenas, a smaller code cache; one
			// person's fleet does not need peak throughput
			"-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=48m",
			// bounds, not reservations: metadata and NIO buffers beyond these are a leak
			"-XX:MaxMetaspaceSize=192m", "-XX:MaxDirectMemorySize=64m",
			// request work runs on virtual threads; platform threads need little stack
			"-Xss256k",
			// 4 bytes less per object
			"-XX:+UseCompactObjectHeaders",
			// give malloc's freed start-up memory back to the system
			"-XX:TrimNativeHeapInterval=10000");

	private JvmOptions() {
	}

	/** The options for a process of {@code module}, e.g. {@code sync-gateway}. */
	static List<String> of(String module) {
		if (overridden()) {
			return List.of(System.getenv(OVERRIDE).trim().split("\\s+"));
		}
		List<String> options = new ArrayList<>(COMMON);
		options.add("-Xmx" + MAX_HEAP.getOrDefault(module, "128m"));
		return options;
	}

	static boolean overridden() {
		String override = System.getenv(OVERRIDE);
		return override != null && !override.isBlank();
	}

	/**
	 * The environment every JVM of the fleet gets: glibc keeps one malloc arena per core
	 * times eight by default, each holding freed memory; two are enough here.
	 */
	static Map<String, String> environment() {
		return Map.of("MALLOC_ARENA_MAX", "2");
	}

}
