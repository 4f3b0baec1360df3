package dev.clipsync.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The service jars as the fleet runs them: each unpacked once per build into
 * {@code run/<module>/} of the data folder, with a JDK AOT cache beside it (JEP 483, 514,
 * 515) so later starts load and link their classes from a mapped file instead of parsing
 * them. The unpacked copy also means a rebuild of the checkout while the fleet runs does
 * not pull classes out from under a running service.
 * <p>
 * The cache needs a plain class path (not the nested jars of a Spring Boot jar), hence
 * the unpacking with Spring Boot's {@code -Djarmode=tools extract}. It is recorded by the
 * first process of a module started without one, and written when that process stops; it
 * is dropped with the unpacked copy when the jar or the JDK changes.
 */
final class ServiceJars {

	private static final String CACHE = "app.aot";

	private static final String STAMP = "built-from";

	private final Path run;

	private final String java;

	/** Modules whose cache a process of this launch is already recording. */
	private final Set<String> recording = new HashSet<>();

	ServiceJars(Path run, String java) {
		this.run = run;
		this.java = java;
	}

	/**
	 * How to start a process of {@code module}.
	 *
	 * @param jar the unpacked jar to run with {@code -jar}
	 * @param options the JVM options, the AOT cache's included
	 * @param recordsCache whether this process writes the AOT cache when it stops
	 */
	record Launch(Path jar, List<String> options, boolean recordsCache) {
	}

	synchronized Launch prepare(String module, Path builtJar) throws IOException {
		Path jar = unpacked(module, builtJar);
		Path directory = jar.getParent();
		List<String> options = new ArrayList<>(JvmOptions.of(module));
		if (JvmOptions.overridden()) {
			// options being measured: a cache recorded with others would not fit
			return new Launch(jar, options, false);
		}
		// What could not be cached (classes of optional libraries, JFR events, a few code
		// stubs) is reported as warnings, many and harmless: those parts load the usual
		// way. Only errors go to the log.
		options.add("-Xlog:aot*=error");
		Path cache = directory.resolve(CACHE);
		if (Files.isRegularFile(cache)) {
			// Mapped where it was written, the cache's read-only part stays clean file
			// pages that both gateways share; the JDK's default maps it at a random
			// address and rewrites its pointers, which makes most of it private to each
			// process (about 25 MB of PSS per gateway, docs/decisions/0003). The JVM
			// still relocates when that address is taken.
			options.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"));
			options.add("-XX:AOTCache=" + cache.toAbsolutePath());
			return new Launch(jar, options, false);
		}
		if (!this.recording.add(module)) {
			return new Launch(jar, options, false);
		}
		options.add("-XX:AOTCacheOutput=" + cache.toAbsolutePath());
		return new Launch(jar, options, true);
	}

	/**
	 * The unpacked jar of {@code module}, whose manifest names its libraries beside it;
	 * for a service in the launcher's JVM, which has no cache of its own (a JDK AOT cache
	 * holds only classes of the JVM's built-in class loaders).
	 */
	synchronized Path unpacked(String module, Path builtJar) throws IOException {
		if (!Files.isRegularFile(builtJar)) {
			throw new IOException(builtJar + " is missing; build first: ./mvnw -DskipTests package");
		}
		Path directory = this.run.resolve(module);
		String stamp = Files.size(builtJar) + " " + Files.getLastModifiedTime(builtJar).toMillis() + " "
				+ System.getProperty("java.vm.version");
		Path stampFile = directory.resolve(STAMP);
		if (!Files.isRegularFile(stampFile) || !Files.readString(stampFile).equals(stamp)) {
			unpack(builtJar, directory);
			Files.writeString(stampFile, stamp);
		}
		return directory.resolve(builtJar.getFileName());
	}

	private void unpack(Path builtJar, Path directory) throws IOException {
		Path unpacking = directory.resolveSibling(directory.getFileName() + ".unpacking");
		deleteTree(unpacking);
		Files.createDirectories(unpacking.getParent());
		Path log = unpacking.resolveSibling(directory.getFileName() + ".unpack.log");
		Process extract = new ProcessBuilder(this.java, "-Djarmode=tools", "-jar", builtJar.toAbsolutePath().toString(),
				"extract", "--destination", unpacking.toAbsolutePath().toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			if (!extract.waitFor(2, TimeUnit.MINUTES) || extract.exitValue() != 0) {
				extract.destroyForcibly();
				throw new IOException("Could not unpack " + builtJar + "; see " + log);
			}
		}
		catch (InterruptedException ex) {
			extract.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while unpacking " + builtJar, ex);
		}
		Files.delete(log);
		deleteTree(directory);
		Files.move(unpacking, directory);
	}

	private static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}
