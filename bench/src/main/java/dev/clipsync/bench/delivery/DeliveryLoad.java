package dev.clipsync.bench.delivery;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.clipsync.bench.DurationConverter;
import dev.clipsync.bench.delivery.Report.Latency;
import dev.clipsync.bench.delivery.Report.Step;
import dev.clipsync.bench.idle.TokenIssuer;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Clip delivery under a fixed push rate: connects users x devices over the gateways, then
 * for each rate pushes from the first device of every user in turn and measures ack and
 * delivery latency on one clock, loss, duplicates, and the CPU and memory of the server
 * processes. Runs against ClipSync's gateways or the Node.js peer alike.
 */
@Command(name = "delivery", mixinStandardHelpOptions = true, sortOptions = false,
		description = { "Connects --users x --devices-per-user sync connections over the --url gateways, then for "
				+ "each --rate pushes clips of --clip-bytes at that rate in total, one push at a time from the first "
				+ "device of each user in turn, and measures ack latency (push sent to ack read), delivery latency "
				+ "(push sent to clip read by each other device of the user; the send time is in the clip's data, "
				+ "read in this same process), lost and duplicated clips, and the CPU and resident set of every "
				+ "--process.", "Serves the JWK Set that the servers check tokens against on --jwks-port.",
				"Exits 1 when a connection failed or a clip was lost or duplicated." })
public final class DeliveryLoad implements Callable<Integer> {

	@Option(names = "--url", split = ",", required = true,
			description = "sync endpoints (ws://host:port/v1/sync); the devices are spread over them")
	List<URI> urls = new ArrayList<>();

	@Option(names = "--system",
			description = "name of the system under test, for the report (default: ${DEFAULT-VALUE})")
	String system = "clipsync";

	@Option(names = "--users", description = "users (default: ${DEFAULT-VALUE})")
	int users = 100;

	@Option(names = "--devices-per-user",
			description = "devices per user; the first pushes (default: ${DEFAULT-VALUE})")
	int devicesPerUser = 2;

	@Option(names = "--rate", split = ",",
			description = "pushes per second over all users; several rates run one after the other on the same "
					+ "connections (default: 100)")
	double[] rates = { 100 };

	@Option(names = "--clip-bytes", description = "size of each clip's data (default: ${DEFAULT-VALUE})")
	int clipBytes = 100;

	@Option(names = "--duration", converter = DurationConverter.class,
			description = "measured time per rate (default: 30s)")
	Duration duration = Duration.ofSeconds(30);

	@Option(names = "--warmup", converter = DurationConverter.class,
			description = "pushes at the rate before measuring, not counted in latencies (default: 5s)")
	Duration warmup = Duration.ofSeconds(5);

	@Option(names = "--drain", converter = DurationConverter.class,
			description = "longest wait after the last push for acks and deliveries (default: 10s)")
	Duration drain = Duration.ofSeconds(10);

	@Option(names = "--in-flight", description = "handshakes under way at once (default: ${DEFAULT-VALUE})")
	int inFlight = 64;

	@Option(names = "--connect-timeout", converter = DurationConverter.class,
			description = "longest wait for all welcomes (default: 120s)")
	Duration connectTimeout = Duration.ofSeconds(120);

	@Option(names = "--reconnect", arity = "0..1", fallbackValue = "1", paramLabel = "<storms>",
			description = "after the pushes, close every device and connect them all again, each to another "
					+ "gateway than before and with a new token: a reconnect storm on servers that have been "
					+ "running, as when one of them dies; repeated <storms> times (default: 1), to see the "
					+ "servers warm up")
	int reconnects;

	@Option(names = "--jwks-port", required = true,
			description = "port on 127.0.0.1 to serve the JWK Set on, as in the servers' jwks URI")
	int jwksPort;

	@Option(names = "--issuer", description = "the iss of the tokens (default: ${DEFAULT-VALUE})")
	String issuer = "clipsync";

	@Option(names = "--process", description = "name=pid of a server process to watch, with its descendants; repeat")
	Map<String, Long> processes = new LinkedHashMap<>();

	@Option(names = "--progress", converter = DurationConverter.class,
			description = "how often to print a progress line (default: 5s)")
	Duration progress = Duration.ofSeconds(5);

	@Option(names = "--slow-log",
			description = "write every ack and delivery of at least --slow-above to this file, with when it "
					+ "arrived (monotonic and wall clock), to line up with perf or GC logs")
	@Nullable Path slowLog;

	@Option(names = "--slow-above", converter = DurationConverter.class,
			description = "what counts as slow for --slow-log (default: 10ms)")
	Duration slowAbove = Duration.ofMillis(10);

	@Option(names = "--label", description = "a note for this run in the report")
	String label = "";

	@Option(names = "--json", description = "write the report as JSON to this file")
	@Nullable Path json;

	@Option(names = "--markdown", description = "write the report's table to this file")
	@Nullable Path markdown;

	public static void main(String[] args) {
		System.exit(new CommandLine(new DeliveryLoad()).setOverwrittenOptionsAllowed(true).execute(args));
	}

	@Override
	public Integer call() throws Exception {
		if (this.users < 1 || this.devicesPerUser < 2 || this.clipBytes < 24 || this.inFlight < 1
				|| this.rates.length == 0 || this.duration.isNegative() || this.duration.isZero()) {
			throw new CommandLine.ParameterException(new CommandLine(this), "--users and --in-flight must be positive, "
					+ "--devices-per-user at least 2, --clip-bytes at least 24, --duration above 0, and one --rate");
		}
		for (double rate : this.rates) {
			if (!(rate > 0) || rate / this.users > 20) {
				throw new CommandLine.ParameterException(new CommandLine(this), "--rate " + rate
						+ " must be above 0 and at most 20 pushes/s per user (the gateway's per-connection limit): "
						+ "add --users");
			}
		}
		this.processes.putIfAbsent("load generator", ProcessHandle.current().pid());
		ProcessProbe probe = new ProcessProbe(this.processes);
		String padding = "x".repeat(this.clipBytes - 20);
		Instant startedAt = Instant.now();
		List<Step> steps = new ArrayList<>();
		Report.Connect connect;
		List<Report.Connect> reconnects = new ArrayList<>();
		try (TokenIssuer tokens = new TokenIssuer("127.0.0.1", this.jwksPort, this.issuer);
				Fleet fleet = new Fleet(this.urls);
				SlowSamples slow = (this.slowLog != null) ? new SlowSamples(this.slowLog, this.slowAbove) : null) {
			fleet.slow = slow;
			List<URI> cold = fleet.prime(tokens, this.connectTimeout);
			if (!cold.isEmpty()) {
				System.err.println("No welcome from " + cold + " within " + this.connectTimeout
						+ ": check that the servers fetch the JWK Set from 127.0.0.1:" + tokens.port()
						+ " and accept the issuer '" + this.issuer + "' (see their logs)");
				return 1;
			}
			int total = this.users * this.devicesPerUser;
			System.out.printf(Locale.ROOT, "%s: signing %,d tokens first ...%n", this.system, total);
			Fleet.Credentials credentials = Fleet.sign(this.users, this.devicesPerUser, tokens);
			connect = connectAll(fleet, probe, credentials, "connecting", 0);
			if (connect.welcomed() == 0) {
				System.err.println("No device connected, nothing to push: " + connect.failures());
				return 1;
			}
			for (int s = 0; s < this.rates.length; s++) {
				steps.add(runStep(fleet, probe, s, this.rates[s], padding));
			}
			fleet.closeAll(Duration.ofSeconds(10));
			// The same devices, all at once, on servers that have been running, each on
			// another gateway than before and with a token new to it: what a surviving
			// gateway sees when another dies and its clients come back. A pause first, so
			// the servers are done closing the old connections.
			Fleet.Credentials storm = credentials;
			for (int s = 1; s <= this.reconnects; s++) {
				Thread.sleep(5_000);
				storm = Fleet.resign(storm, tokens);
				try (Fleet again = new Fleet(this.urls)) {
					reconnects.add(connectAll(again, probe, storm,
							(this.reconnects == 1) ? "reconnecting" : "reconnecting (storm " + s + ")", s));
					again.closeAll(Duration.ofSeconds(10));
				}
			}
		}
		Report report = new Report(this.system, this.label, startedAt.toString(), this.urls.size(), this.users,
				this.devicesPerUser, this.clipBytes, this.duration.toMillis() / 1000.0, this.warmup.toMillis() / 1000.0,
				Runtime.getRuntime().availableProcessors(), connect, reconnects, steps);
		String table = report.markdown();
		System.out.println();
		System.out.println(table);
		if (this.json != null) {
			Files.writeString(this.json, report.json());
			System.out.println("JSON: " + this.json);
		}
		if (this.markdown != null) {
			Files.writeString(this.markdown, table);
		}
		boolean clean = connect.failures().isEmpty() && reconnects.stream().allMatch((r) -> r.failures().isEmpty())
				&& steps.stream().allMatch((step) -> step.lost() == 0 && step.duplicated() == 0);
		return clean ? 0 : 1;
	}

	private Report.Connect connectAll(Fleet fleet, ProcessProbe probe, Fleet.Credentials credentials, String what,
			int shift) throws InterruptedException {
		int total = this.users * this.devicesPerUser;
		System.out.printf(Locale.ROOT, "%s: %s %,d devices (%,d users x %d) over %d gateway(s), %d at a time%n",
				this.system, what, total, this.users, this.devicesPerUser, this.urls.size(), this.inFlight);
		ProcessProbe.Sample before = probe.sample();
		long connectStart = System.nanoTime();
		Thread connectProgress = Thread.ofVirtual()
			.name("connect-progress")
			.start(() -> connectProgress(fleet, probe, total, connectStart));
		Map<String, Long> failures;
		try {
			failures = fleet.connect(credentials, this.inFlight, this.connectTimeout, shift);
		}
		finally {
			connectProgress.interrupt();
		}
		double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
		ProcessProbe.Sample after = probe.sample();
		Histogram handshakes = fleet.handshakes.getIntervalHistogram();
		long welcomed = handshakes.getTotalCount();
		Report.Connect connect = new Report.Connect(total, welcomed, failures, round(connectSeconds, 2),
				round(welcomed / connectSeconds, 1), Latency.of(handshakes),
				cpuPerHandshake(probe, before, after, welcomed));
		System.out.printf(Locale.ROOT,
				"%s: %,d of %,d welcomed in %.2f s (%.0f/s), handshake p50 %.1f ms p99 %.1f ms%s%n", this.system,
				welcomed, total, connectSeconds, welcomed / connectSeconds, connect.handshakeMs().p50(),
				connect.handshakeMs().p99(), failures.isEmpty() ? "" : "; failed: " + failures);
		System.out.printf(Locale.ROOT, "%s: CPU per handshake: %s%n", this.system,
				Report.describeCpu(connect.cpuMsPerHandshake()));
		return connect;
	}

	/**
	 * Milliseconds of CPU each watched process spent per welcomed handshake: steadier
	 * than the connect time from one machine to the next, and it shows what the load tool
	 * itself took.
	 */
	private static Map<String, Double> cpuPerHandshake(ProcessProbe probe, ProcessProbe.Sample before,
			ProcessProbe.Sample after, long welcomed) {
		Map<String, Double> perHandshake = new LinkedHashMap<>();
		for (ProcessProbe.Usage usage : probe.between(before, after)) {
			perHandshake.put(usage.name(), round(usage.cpuSeconds() * 1000 / Math.max(1, welcomed), 3));
		}
		return perHandshake;
	}

	private Step runStep(Fleet fleet, ProcessProbe probe, int index, double rate, String padding) {
		fleet.step = index;
		long period = (long) (1e9 / rate);
		long start = System.nanoTime();
		long measureFrom = start + this.warmup.toNanos();
		long end = measureFrom + this.duration.toNanos();
		long nextProgress = start + this.progress.toNanos();
		Histogram acks = new Histogram(3);
		Histogram deliveries = new Histogram(3);
		long sentBefore = fleet.sent.get();
		long sentAtMeasure = -1;
		ProcessProbe.Sample first = probe.sample();
		ProcessProbe.Sample measured = first;
		boolean measuring = false;
		long notConnected = 0;
		System.out.printf(Locale.ROOT, "%s: %.0f pushes/s for %s warm-up + %s, %d-byte clips%n", this.system, rate,
				this.warmup, this.duration, this.clipBytes);
		long n = 0;
		int user = 0;
		while (true) {
			long due = start + n * period;
			if (due >= end) {
				break;
			}
			long wait = due - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			// Measured are the pushes due in the window, even when this loop runs late.
			if (!measuring && due >= measureFrom) {
				// What came in during warm-up is dropped.
				fleet.acks.getIntervalHistogram();
				fleet.deliveries.getIntervalHistogram();
				measured = probe.sample();
				sentAtMeasure = fleet.sent.get();
				measuring = true;
				SlowSamples slow = fleet.slow;
				if (slow != null) {
					slow.mark(String.format(Locale.ROOT, "window-%.0f/s", rate));
				}
			}
			if (!fleet.push(user, padding)) {
				notConnected++;
			}
			user = (user + 1) % fleet.userCount();
			n++;
			if (System.nanoTime() >= nextProgress) {
				progress(fleet, probe, first, measuring, acks, deliveries, start);
				nextProgress = System.nanoTime() + this.progress.toNanos();
			}
		}
		long sentInWindow = fleet.sent.get() - ((sentAtMeasure >= 0) ? sentAtMeasure : sentBefore);
		// Longer than asked for when the sends fell behind: the rate achieved, not the
		// one asked.
		double windowSeconds = Math.max(this.duration.toNanos(), System.nanoTime() - measureFrom) / 1e9;
		// Drain: wait for the acks and the deliveries of what was sent.
		long drainEnd = System.nanoTime() + this.drain.toNanos();
		long lost = fleet.lost(index);
		while (System.nanoTime() < drainEnd && (fleet.pendingCount() > 0 || lost > 0)) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
			lost = fleet.lost(index);
		}
		ProcessProbe.Sample last = probe.sample();
		acks.add(fleet.acks.getIntervalHistogram());
		deliveries.add(fleet.deliveries.getIntervalHistogram());
		List<ProcessProbe.Usage> usage = probe.between(measured, last);
		Step step = new Step(rate, round(sentInWindow / windowSeconds, 1),
				round(acks.getTotalCount() / windowSeconds, 1), round(deliveries.getTotalCount() / windowSeconds, 1),
				fleet.sent.get() - sentBefore, fleet.pendingCount(), notConnected, lost, fleet.duplicated.getAndSet(0),
				fleet.outOfOrder.getAndSet(0), Latency.of(acks), Latency.of(deliveries),
				usage.stream()
					.map((u) -> new Report.Process(u.name(), u.pid(), round(u.cores(), 3), round(u.rssMiB(), 1),
							round(u.peakRssMiB(), 1)))
					.toList(),
				round(ProcessProbe.machineCores(measured, last), 2), fleet.takeErrors(), fleet.takeClosed());
		System.out.printf(Locale.ROOT,
				"%s: %.0f/s done: ack p50 %.1f p99 %.1f ms, delivery p50 %.1f p99 %.1f p99.9 %.1f ms, lost %d, "
						+ "duplicated %d, unacked %d%n",
				this.system, rate, step.ackMs().p50(), step.ackMs().p99(), step.deliveryMs().p50(),
				step.deliveryMs().p99(), step.deliveryMs().p999(), lost, step.duplicated(), step.unacked());
		return step;
	}

	/** A line every few seconds: counts so far, and this interval's p99s and CPU. */
	/** A line per progress interval while the devices connect, until interrupted. */
	private void connectProgress(Fleet fleet, ProcessProbe probe, int total, long start) {
		ProcessProbe.Sample previous = probe.sample();
		long welcomedBefore = 0;
		while (true) {
			try {
				Thread.sleep(this.progress);
			}
			catch (InterruptedException ex) {
				return;
			}
			ProcessProbe.Sample now = probe.sample();
			long welcomed = fleet.welcomed.get();
			StringBuilder cpu = new StringBuilder();
			for (ProcessProbe.Usage usage : probe.between(previous, now)) {
				cpu.append(String.format(Locale.ROOT, " %s %.2f", usage.name(), usage.cores()));
			}
			System.out.printf(Locale.ROOT, "  %5.1f s welcomed %,d of %,d (%,.0f/s) | cores:%s%n",
					(System.nanoTime() - start) / 1e9, welcomed, total,
					(welcomed - welcomedBefore) / (this.progress.toNanos() / 1e9), cpu);
			previous = now;
			welcomedBefore = welcomed;
		}
	}

	private void progress(Fleet fleet, ProcessProbe probe, ProcessProbe.Sample first, boolean measuring, Histogram acks,
			Histogram deliveries, long start) {
		Histogram ackInterval = fleet.acks.getIntervalHistogram();
		Histogram deliveryInterval = fleet.deliveries.getIntervalHistogram();
		if (measuring) {
			acks.add(ackInterval);
			deliveries.add(deliveryInterval);
		}
		StringBuilder cpu = new StringBuilder();
		for (ProcessProbe.Usage usage : probe.between(first, probe.sample())) {
			cpu.append(String.format(Locale.ROOT, " %s %.2f", usage.name(), usage.cores()));
		}
		System.out.printf(Locale.ROOT,
				"  %5.1f s%s sent %,d acked %,d delivered %,d pending %,d | ack p99 %.1f ms delivery p99 %.1f ms | cores:%s%n",
				(System.nanoTime() - start) / 1e9, measuring ? "" : " (warm-up)", fleet.sent.get(), fleet.acked.get(),
				fleet.delivered.get(), fleet.pendingCount(), ackInterval.getValueAtPercentile(99) / 1000.0,
				deliveryInterval.getValueAtPercentile(99) / 1000.0, cpu);
	}

	static double round(double value, int places) {
		double scale = Math.pow(10, places);
		return Math.round(value * scale) / scale;
	}

}
