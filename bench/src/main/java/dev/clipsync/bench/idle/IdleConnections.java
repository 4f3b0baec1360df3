package dev.clipsync.bench.idle;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.clipsync.bench.DurationConverter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * Heap a running sync-gateway keeps per idle, authenticated WebSocket connection: the
 * gateway's heap after a full GC with no connections, then with N, for several N.
 */
@Command(name = "idle-connections", mixinStandardHelpOptions = true, sortOptions = false,
		description = {
				"Opens idle, authenticated sync connections to a running sync-gateway in steps, "
						+ "and at each step reads the gateway's heap after a full GC (jcmd GC.run, GC.heap_info) "
						+ "and its live objects (jcmd GC.class_histogram). Reports heap per connection: "
						+ "(used at N - used at 0) / N, and the least-squares slope over all steps.",
				"Serves the JWK Set the gateway checks tokens against: start the gateway with "
						+ "--clipsync.tokens.jwks-uri=http://127.0.0.1:<jwks-port>/.well-known/jwks.json.",
				"Exits 1 when a connection failed or was closed by the gateway." })
public final class IdleConnections implements Callable<Integer> {

	private static final double KIB = 1024.0;

	@Option(names = "--url", description = "the sync endpoint (default: ${DEFAULT-VALUE})")
	URI url = URI.create("ws://127.0.0.1:8082/v1/sync");

	@Option(names = "--gateway-pid", required = true,
			description = "process id of the gateway, for jcmd (same user, same machine)")
	long gatewayPid;

	@Option(names = "--jwks-port", required = true,
			description = "port on 127.0.0.1 to serve the JWK Set on, as in the gateway's jwks-uri")
	int jwksPort;

	@Option(names = "--issuer", description = "the gateway's clipsync.tokens.issuer (default: ${DEFAULT-VALUE})")
	String issuer = "clipsync";

	@Option(names = "--connections", split = ",",
			description = "steps: connections open when measured (default: 2000,5000,10000,15000)")
	int[] connections = { 2000, 5000, 10_000, 15_000 };

	@Option(names = "--devices-per-user",
			description = "connections sharing a user; 1 is the worst case, each connection with its own "
					+ "user channel (default: ${DEFAULT-VALUE}; the gateway allows 20)")
	int devicesPerUser = 1;

	@Option(names = "--warmup-connections",
			description = "opened and closed before the baseline, so that classes, caches and pools "
					+ "are in place (default: ${DEFAULT-VALUE})")
	int warmupConnections = 500;

	@Option(names = "--settle", converter = DurationConverter.class,
			description = "wait after the welcomes before measuring, past the gateway's sync grace (default: 3s)")
	Duration settle = Duration.ofSeconds(3);

	@Option(names = "--samples", description = "heap readings per step; the median counts (default: ${DEFAULT-VALUE})")
	int samples = 3;

	@Option(names = "--hold", converter = DurationConverter.class,
			description = "at the last step, keep the connections this long and measure again, so that "
					+ "server pings and client pongs have passed (default: 30s; 0 to skip)")
	Duration hold = Duration.ofSeconds(30);

	@Option(names = "--in-flight", description = "handshakes under way at once (default: ${DEFAULT-VALUE})")
	int inFlight = 64;

	@Option(names = "--token-lifetime", converter = DurationConverter.class,
			description = "so that no session is closed for an expired token while measuring (default: 120m)")
	Duration tokenLifetime = Duration.ofHours(2);

	@Option(names = "--timeout", converter = DurationConverter.class,
			description = "longest wait for one step's welcomes, and for the gateway to count its "
					+ "connections (default: 90s)")
	Duration timeout = Duration.ofSeconds(90);

	@Option(names = "--offer-deflate",
			description = "offer the permessage-deflate extension in the handshake, as browsers do")
	boolean offerDeflate;

	@Option(names = "--top", description = "classes listed from the histogram difference (default: ${DEFAULT-VALUE})")
	int top = 20;

	@Option(names = "--label", description = "a name for this run in the report, e.g. the gateway's settings")
	String label = "";

	public static void main(String[] args) {
		// A later option wins, so arguments given to the script override its own.
		System.exit(new CommandLine(new IdleConnections()).setOverwrittenOptionsAllowed(true).execute(args));
	}

	@Override
	public Integer call() throws Exception {
		int[] steps = Arrays.stream(this.connections).distinct().sorted().toArray();
		if (steps.length == 0 || steps[0] < 1 || this.devicesPerUser < 1 || this.samples < 1 || this.inFlight < 1
				|| this.warmupConnections < 0 || this.top < 0) {
			throw new CommandLine.ParameterException(new CommandLine(this),
					"--connections, --devices-per-user, --samples and --in-flight must be positive");
		}
		int most = steps[steps.length - 1];
		// Each connection is one socket on each side; leave room for everything else.
		long ownLimit = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getMaxFileDescriptorCount();
		GatewayProbe probe = new GatewayProbe(this.gatewayPid, actuatorUri());
		@Nullable Long gatewayLimit = probe.openFilesLimit();
		if (most + 256 > ownLimit || (gatewayLimit != null && most + 256 > gatewayLimit)) {
			throw new CommandLine.ParameterException(new CommandLine(this),
					"%d connections need more open files than allowed (here %d, gateway %s): lower --connections"
						.formatted(most, ownLimit, gatewayLimit));
		}
		GatewayProbe.Metrics before = probe.metrics();
		if (before.connections() == null) {
			System.err.println("No clipsync_gateway_connections at " + actuatorUri().resolve("/actuator/prometheus"));
			return 1;
		}
		if (before.connections() != 0) {
			System.err.printf(Locale.ROOT, "The gateway already has %.0f connections: it must have none%n",
					before.connections());
			return 1;
		}

		Instant started = Instant.now();
		Map<String, Long> failures = new LinkedHashMap<>();
		List<Step> measured = new ArrayList<>();
		@Nullable Step held = null;
		List<ClassHistogram.Growth> growth = List.of();
		double handshakesPerSecond = 0;
		Map<String, Long> lost;
		long maxClipBytes;
		@Nullable Step afterClose = null;
		int closedCount;
		try (TokenIssuer tokens = new TokenIssuer("127.0.0.1", this.jwksPort, this.issuer);
				SyncConnections sockets = new SyncConnections(this.url, tokens, this.tokenLifetime, this.inFlight,
						this.offerDeflate)) {
			System.out.printf(Locale.ROOT, "Idle connections on %s%s: JWK Set on port %d, gateway pid %d%n", this.url,
					this.label.isEmpty() ? "" : " (" + this.label + ")", tokens.port(), this.gatewayPid);
			// The gateway fetches the JWK Set when it first sees the key id, and refuses
			// tokens that arrive while that fetch is under way: one connection goes
			// first.
			SyncConnections.Opened first = sockets.open(1, 1, this.timeout);
			if (!first.failures().isEmpty()) {
				System.err.println("The first connection failed: " + first.failures());
				return 1;
			}
			if (this.warmupConnections > 0) {
				System.out.printf(Locale.ROOT, "  warm-up: %d connections opened and closed%n", this.warmupConnections);
				SyncConnections.Opened warm = sockets.open(this.warmupConnections, this.devicesPerUser, this.timeout);
				if (!warm.failures().isEmpty()) {
					System.err.println("Warm-up connections failed: " + warm.failures());
					return 1;
				}
			}
			sleep(this.settle);
			sockets.closeAll(this.timeout);
			if (!awaitGatewayCount(probe, 0)) {
				return 1;
			}
			measured.add(measure(probe, 0));
			ClassHistogram baseline = measured.getFirst().histogram();
			for (int step : steps) {
				int adding = step - sockets.openCount();
				long opening = System.nanoTime();
				SyncConnections.Opened opened = sockets.open(adding, this.devicesPerUser, this.timeout);
				double seconds = (System.nanoTime() - opening) / 1e9;
				if (!opened.failures().isEmpty()) {
					opened.failures().forEach((why, count) -> failures.merge(why, count, Long::sum));
					System.err.printf(Locale.ROOT, "  %d of %d connections failed: %s%n", adding - opened.welcomed(),
							adding, opened.failures());
					break;
				}
				handshakesPerSecond = adding / seconds;
				if (!awaitGatewayCount(probe, step)) {
					failures.merge("gateway count differs", 1L, Long::sum);
					break;
				}
				sleep(this.settle);
				Step result = measure(probe, step);
				measured.add(result);
				growth = result.histogram().growthSince(baseline, this.top);
				System.out.printf(Locale.ROOT, "  %6d connections (%.0f handshakes/s): heap %s, %s per connection%n",
						step, handshakesPerSecond, mib(result.heapMedian()),
						perConnection(result, measured.getFirst()));
			}
			if (failures.isEmpty() && !this.hold.isZero()) {
				System.out.printf(Locale.ROOT, "  holding %d connections for %s ...%n", sockets.openCount(), this.hold);
				long pingsBefore = sockets.pingsAnswered();
				sleep(this.hold);
				held = measure(probe, sockets.openCount());
				System.out.printf(Locale.ROOT, "  server pings answered while holding: %d%n",
						sockets.pingsAnswered() - pingsBefore);
			}
			lost = sockets.lost();
			maxClipBytes = sockets.maxClipBytes();
			closedCount = sockets.openCount();
			long unclosed = sockets.closeAll(this.timeout);
			if (unclosed > 0) {
				System.err.printf(Locale.ROOT, "  %d connections did not finish closing%n", unclosed);
			}
			// What the closed connections leave behind: anything here grows with churn.
			if (closedCount > 0 && awaitGatewayCount(probe, 0)) {
				sleep(this.settle);
				afterClose = measure(probe, 0);
			}
		}
		report(started, measured, held, afterClose, closedCount, growth, handshakesPerSecond, maxClipBytes, failures,
				lost);
		return (failures.isEmpty() && lost.isEmpty() && measured.size() == steps.length + 1) ? 0 : 1;
	}

	private URI actuatorUri() {
		String scheme = this.url.getScheme().equals("wss") ? "https" : "http";
		return URI.create(scheme + "://" + this.url.getHost() + ":" + this.url.getPort() + "/");
	}

	/**
	 * Heap after full GCs (median of the samples), live objects, and the gateway's
	 * gauges.
	 */
	private Step measure(GatewayProbe probe, int connections) throws Exception {
		long[] heap = new long[this.samples];
		for (int i = 0; i < this.samples; i++) {
			heap[i] = probe.heapUsedAfterGc();
		}
		ClassHistogram histogram = probe.classHistogram();
		GatewayProbe.Metrics metrics = probe.metrics();
		long[] sorted = heap.clone();
		Arrays.sort(sorted);
		return new Step(connections, sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], histogram,
				metrics);
	}

	private boolean awaitGatewayCount(GatewayProbe probe, int expected) throws InterruptedException {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		@Nullable Double count = null;
		while (System.nanoTime() < deadline) {
			count = probe.metrics().connections();
			if (count != null && count == expected) {
				return true;
			}
			Thread.sleep(250);
		}
		System.err.printf(Locale.ROOT, "  the gateway counts %s connections, expected %d%n", count, expected);
		return false;
	}

	private void report(Instant started, List<Step> steps, @Nullable Step held, @Nullable Step afterClose,
			int closedCount, List<ClassHistogram.Growth> growth, double handshakesPerSecond, long maxClipBytes,
			Map<String, Long> failures, Map<String, Long> lost) {
		Step base = steps.getFirst();
		System.out.printf(Locale.ROOT, "%nHeap per idle connection on %s%s (%s)%n", this.url,
				this.label.isEmpty() ? "" : ", " + this.label, started);
		System.out.printf(Locale.ROOT,
				"  gateway: max clip %s bytes (from the welcome), %d device(s) per user, %d heap readings per step%s%n",
				(maxClipBytes >= 0) ? maxClipBytes : "unknown", this.devicesPerUser, this.samples,
				this.offerDeflate ? ", permessage-deflate offered" : "");
		System.out.printf(Locale.ROOT, "  %11s  %10s  %13s  %20s  %15s  %12s  %9s  %7s%n", "connections", "heap (MiB)",
				"(min-max)", "heap/connection", "live/connection", "direct (MiB)", "RSS (MiB)", "threads");
		for (Step step : steps) {
			printRow(step, base, "");
		}
		if (held != null) {
			printRow(held, base, "   after holding " + this.hold.toSeconds() + "s");
		}
		Double residual = (afterClose != null && closedCount > 0)
				? (double) (afterClose.heapMedian() - base.heapMedian()) / closedCount : null;
		if (afterClose != null && residual != null) {
			System.out.printf(Locale.ROOT,
					"  after closing all %d: heap %.1f MiB, %.0f B per closed connection " + "above the baseline%n",
					closedCount, afterClose.heapMedian() / KIB / KIB, residual);
		}
		Double slope = slope(steps, Step::heapMedian);
		Double liveSlope = slope(steps, (step) -> step.histogram().bytes());
		if (slope != null) {
			System.out.printf(Locale.ROOT,
					"  slope (least squares over %d points): heap %.0f B (%.2f KiB), "
							+ "live objects %.0f B (%.2f KiB) per connection%n",
					steps.size(), slope, slope / KIB, liveSlope, liveSlope / KIB);
			System.out.printf(Locale.ROOT, "  target 16 KiB: %s; goal 10 KiB: %s%n",
					(slope < 16 * KIB) ? "met" : "MISSED", (slope < 10 * KIB) ? "met" : "missed");
		}
		if (handshakesPerSecond > 0) {
			System.out.printf(Locale.ROOT, "  handshakes: %.0f/s at the last step%n", handshakesPerSecond);
		}
		if (!growth.isEmpty()) {
			Step last = steps.getLast();
			System.out.printf(Locale.ROOT, "  live objects added per connection, baseline to %d (class histogram):%n",
					last.connections());
			System.out.printf(Locale.ROOT, "  %10s  %9s  %s%n", "bytes", "instances", "class");
			for (ClassHistogram.Growth row : growth) {
				System.out.printf(Locale.ROOT, "  %10.1f  %9.2f  %s%n", (double) row.bytes() / last.connections(),
						(double) row.instances() / last.connections(), row.name());
			}
		}
		if (!failures.isEmpty()) {
			System.out.println("  failed: " + failures);
		}
		if (!lost.isEmpty()) {
			System.out.println("  closed by the gateway while idle: " + lost);
		}

		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("benchmark", "idle-connections");
		json.put("started", started.toString());
		json.put("url", this.url.toString());
		json.put("label", this.label);
		json.put("maxClipBytes", maxClipBytes);
		json.put("devicesPerUser", this.devicesPerUser);
		json.put("offerDeflate", this.offerDeflate);
		List<Map<String, Object>> rows = new ArrayList<>();
		for (Step step : steps) {
			rows.add(jsonRow(step, base));
		}
		json.put("steps", rows);
		json.put("held", (held != null) ? jsonRow(held, base) : null);
		json.put("afterCloseHeapUsedBytes", (afterClose != null) ? afterClose.heapMedian() : null);
		json.put("afterCloseBytesPerClosedConnection", (residual != null) ? Math.round(residual) : null);
		json.put("heapBytesPerConnection", (slope != null) ? Math.round(slope) : null);
		json.put("liveBytesPerConnection", (liveSlope != null) ? Math.round(liveSlope) : null);
		json.put("failures", failures);
		json.put("lost", lost);
		// One line, last, for scripts: tail -n 1 | jq.
		System.out.println(JsonMapper.builder().build().writeValueAsString(json));
	}

	private static void printRow(Step step, Step base, String note) {
		GatewayProbe.Metrics metrics = step.metrics();
		System.out.printf(Locale.ROOT, "  %11d  %10.1f  %13s  %20s  %15s  %12s  %9s  %7s%s%n", step.connections(),
				step.heapMedian() / KIB / KIB,
				String.format(Locale.ROOT, "%.1f-%.1f", step.heapMin() / KIB / KIB, step.heapMax() / KIB / KIB),
				perConnection(step, base),
				(step.connections() > 0)
						? String.format(Locale.ROOT, "%.0f B",
								(double) (step.histogram().bytes() - base.histogram().bytes()) / step.connections())
						: "-",
				mib(metrics.directBytes()), mib(metrics.residentBytes()),
				(metrics.liveThreads() != null) ? String.format(Locale.ROOT, "%.0f", metrics.liveThreads()) : "?",
				note);
	}

	private static String mib(@Nullable Double bytes) {
		return (bytes != null) ? String.format(Locale.ROOT, "%.1f", bytes / KIB / KIB) : "?";
	}

	private static Map<String, Object> jsonRow(Step step, Step base) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("connections", step.connections());
		row.put("heapUsedBytes", step.heapMedian());
		row.put("heapUsedMinBytes", step.heapMin());
		row.put("heapUsedMaxBytes", step.heapMax());
		row.put("liveBytes", step.histogram().bytes());
		if (step.connections() > 0) {
			row.put("heapBytesPerConnection",
					Math.round((double) (step.heapMedian() - base.heapMedian()) / step.connections()));
			row.put("liveBytesPerConnection",
					Math.round((double) (step.histogram().bytes() - base.histogram().bytes()) / step.connections()));
		}
		if (step.metrics().directBytes() != null) {
			row.put("directBytes", Math.round(step.metrics().directBytes()));
		}
		if (step.metrics().residentBytes() != null) {
			row.put("residentBytes", Math.round(step.metrics().residentBytes()));
		}
		if (step.metrics().liveThreads() != null) {
			row.put("liveThreads", Math.round(step.metrics().liveThreads()));
		}
		return row;
	}

	private static String perConnection(Step step, Step base) {
		if (step.connections() == 0) {
			return "-";
		}
		double bytes = (double) (step.heapMedian() - base.heapMedian()) / step.connections();
		return String.format(Locale.ROOT, "%.0f B %.2f KiB", bytes, bytes / KIB).replace(" B ", " B = ");
	}

	/**
	 * Least-squares slope of bytes over connections, or null with fewer than two points.
	 */
	private static @Nullable Double slope(List<Step> steps, java.util.function.ToLongFunction<Step> bytes) {
		if (new TreeSet<>(steps.stream().map(Step::connections).toList()).size() < 2) {
			return null;
		}
		double meanX = steps.stream().mapToDouble(Step::connections).average().orElseThrow();
		double meanY = steps.stream().mapToDouble(bytes::applyAsLong).average().orElseThrow();
		double sxy = 0;
		double sxx = 0;
		for (Step step : steps) {
			double dx = step.connections() - meanX;
			sxy += dx * (bytes.applyAsLong(step) - meanY);
			sxx += dx * dx;
		}
		return sxy / sxx;
	}

	private static String mib(long bytes) {
		return String.format(Locale.ROOT, "%.1f MiB", bytes / KIB / KIB);
	}

	private static void sleep(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

	/**
	 * One measurement.
	 *
	 * @param connections connections open
	 * @param heapMedian heap used after a full GC, median of the readings
	 * @param heapMin the smallest reading
	 * @param heapMax the largest reading
	 * @param histogram live objects
	 * @param metrics the gateway's gauges
	 */
	record Step(int connections, long heapMedian, long heapMin, long heapMax, ClassHistogram histogram,
			GatewayProbe.Metrics metrics) {
	}

}
