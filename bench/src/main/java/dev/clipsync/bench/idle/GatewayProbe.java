package dev.clipsync.bench.idle;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Looks into the running gateway: its heap through {@code jcmd} (which attaches to the
 * process, so the bench runs as the same user on the same machine), and its own view of
 * itself through {@code /actuator/prometheus}.
 */
final class GatewayProbe {

	/**
	 * {@code garbage-first heap   total reserved 6291456K, committed 262144K, used 81234K [...]}
	 */
	private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total.*?used (\\d+)K");

	/** {@code    1:         52110        9866512  [B (java.base@25.0.3)} */
	private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

	private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

	private final long pid;

	private final URI prometheus;

	private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	GatewayProbe(long pid, URI actuator) {
		this.pid = pid;
		this.prometheus = actuator.resolve("/actuator/prometheus");
	}

	/**
	 * Heap in use after a full collection: {@code jcmd GC.run}, then
	 * {@code GC.heap_info}.
	 * @return bytes
	 */
	long heapUsedAfterGc() throws IOException, InterruptedException {
		jcmd("GC.run");
		String info = jcmd("GC.heap_info");
		Matcher used = HEAP_USED.matcher(info);
		if (!used.find()) {
			throw new IOException("No heap line in GC.heap_info:\n" + info);
		}
		return Long.parseLong(used.group(1)) * 1024;
	}

	/**
	 * The live objects by class, after the full collection that
	 * {@code jcmd GC.class_histogram} makes.
	 * @return the histogram
	 */
	ClassHistogram classHistogram() throws IOException, InterruptedException {
		String text = jcmd("GC.class_histogram");
		Map<String, long[]> classes = new HashMap<>();
		long instances = -1;
		long bytes = -1;
		for (String line : text.split("\n")) {
			Matcher row = HISTOGRAM_ROW.matcher(line);
			if (row.find()) {
				classes.merge(row.group(3), new long[] { Long.parseLong(row.group(1)), Long.parseLong(row.group(2)) },
						(a, b) -> new long[] { a[0] + b[0], a[1] + b[1] });
				continue;
			}
			Matcher total = HISTOGRAM_TOTAL.matcher(line);
			if (total.find()) {
				instances = Long.parseLong(total.group(1));
				bytes = Long.parseLong(total.group(2));
			}
		}
		if (bytes < 0) {
			throw new IOException("No total in GC.class_histogram");
		}
		return new ClassHistogram(classes, instances, bytes);
	}

	/**
	 * The soft limit on open files of the gateway process, from {@code /proc}.
	 * @return the limit, or null when unknown
	 */
	@Nullable Long openFilesLimit() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(this.pid), "limits"))) {
				if (line.startsWith("Max open files")) {
					String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
					return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// unknown
		}
		return null;
	}

	/**
	 * The gateway's metrics that matter here.
	 * @return them, each null when missing
	 */
	Metrics metrics() throws InterruptedException {
		Map<String, Double> values = new HashMap<>();
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(this.prometheus).timeout(Duration.ofSeconds(10)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() == 200) {
				for (String line : response.body().split("\n")) {
					if (line.startsWith("#")) {
						continue;
					}
					record(values, line, "clipsync_gateway_connections", null);
					record(values, line, "jvm_threads_live_threads", null);
					record(values, line, "jvm_buffer_memory_used_bytes", "id=\"direct\"");
				}
			}
		}
		catch (IOException ex) {
			// reported as unknown
		}
		return new Metrics(values.get("clipsync_gateway_connections"), values.get("jvm_threads_live_threads"),
				values.get("jvm_buffer_memory_used_bytes"), residentBytes());
	}

	private @Nullable Double residentBytes() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(this.pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					// VmRSS: 123456 kB
					return Double.parseDouble(line.substring(6).trim().split("\\s+")[0]) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// unknown
		}
		return null;
	}

	private static void record(Map<String, Double> values, String line, String name, @Nullable String label) {
		if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
			return;
		}
		if (label != null && !line.contains(label)) {
			return;
		}
		String value = line.substring(line.lastIndexOf(' ') + 1);
		try {
			values.merge(name, Double.parseDouble(value), Double::sum);
		}
		catch (NumberFormatException ex) {
			// not a sample line
		}
	}

	private String jcmd(String command) throws IOException, InterruptedException {
		List<String> args = new ArrayList<>(List.of(this.jcmd.toString(), Long.toString(this.pid), command));
		Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
		byte[] out = process.getInputStream().readAllBytes();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("jcmd " + command + " did not finish");
		}
		String text = new String(out, StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IOException("jcmd " + this.pid + " " + command + " failed:\n" + text);
		}
		return text;
	}

	/**
	 * @param connections {@code clipsync_gateway_connections}
	 * @param liveThreads {@code jvm_threads_live_threads}
	 * @param directBytes {@code jvm_buffer_memory_used_bytes{id="direct"}}
	 * @param residentBytes the process's resident set ({@code VmRSS}), which also holds
	 * native memory such as zlib's
	 */
	record Metrics(@Nullable Double connections, @Nullable Double liveThreads, @Nullable Double directBytes,
			@Nullable Double residentBytes) {
	}

}
