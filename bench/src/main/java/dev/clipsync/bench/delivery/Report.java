package dev.clipsync.bench.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one run of the delivery bench measured: the JSON the plots are drawn from, and a
 * markdown table.
 *
 * @param system the system under test
 * @param label a note given on the command line
 * @param startedAt when the run started
 * @param gateways server processes the devices were spread over
 * @param users users
 * @param devicesPerUser devices per user
 * @param clipBytes size of each clip's data
 * @param durationSeconds measured time per rate
 * @param warmupSeconds warm-up per rate
 * @param cores cores of this machine
 * @param connect the connect phase
 * @param reconnects the same devices connecting again after the pushes, once per storm
 * ({@code --reconnect}); empty without
 * @param steps one per rate
 */
record Report(String system, String label, String startedAt, int gateways, int users, int devicesPerUser, int clipBytes,
		double durationSeconds, double warmupSeconds, int cores, Connect connect, List<Connect> reconnects,
		List<Step> steps) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static Report read(String json) {
		return JSON.readValue(json, Report.class);
	}

	String json() {
		return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
	}

	String markdown() {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT,
				"%s%s: %,d devices (%,d users x %d) over %d gateway(s), %d-byte clips; connect %,d in %.2f s "
						+ "(%.0f/s, handshake p50 %.1f / p99 %.1f ms)%n%n",
				this.system, this.label.isEmpty() ? "" : " (" + this.label + ")", this.users * this.devicesPerUser,
				this.users, this.devicesPerUser, this.gateways, this.clipBytes, this.connect.welcomed(),
				this.connect.seconds(), this.connect.perSecond(), this.connect.handshakeMs().p50(),
				this.connect.handshakeMs().p99()));
		out.append(
				String.format(Locale.ROOT, "CPU per handshake: %s%n%n", describeCpu(this.connect.cpuMsPerHandshake())));
		for (Connect reconnect : this.reconnects) {
			out.append(String.format(Locale.ROOT,
					"Reconnect storm on running servers: %,d of %,d in %.2f s (%.0f/s, handshake p50 %.1f / p99 %.1f ms)%n",
					reconnect.welcomed(), reconnect.devices(), reconnect.seconds(), reconnect.perSecond(),
					reconnect.handshakeMs().p50(), reconnect.handshakeMs().p99()));
			out.append(String.format(Locale.ROOT, "CPU per handshake: %s%n%n",
					describeCpu(reconnect.cpuMsPerHandshake())));
		}
		out.append("| system | rate | sent/s | acks/s | deliveries/s | ack p50 / p99 / p99.9 ms "
				+ "| delivery p50 / p99 / p99.9 / max ms | lost | dup | out of order | unacked | cores busy | RSS MiB |\n");
		out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (Step step : this.steps) {
			String cores = step.processes()
				.stream()
				.map((p) -> String.format(Locale.ROOT, "%s %.2f", p.name(), p.cores()))
				.collect(Collectors.joining(", ")) + String.format(Locale.ROOT, "; machine %.2f", step.machineCores());
			String rss = step.processes()
				.stream()
				.filter((p) -> !p.name().equals("load generator"))
				.map((p) -> String.format(Locale.ROOT, "%s %.0f", p.name(), p.rssMiB()))
				.collect(Collectors.joining(", "));
			out.append(String.format(Locale.ROOT,
					"| %s | %.0f | %.1f | %.1f | %.1f | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f / %.1f | %d | %d | %d | %d | %s | %s |%n",
					this.system, step.rate(), step.sentPerSecond(), step.acksPerSecond(), step.deliveriesPerSecond(),
					step.ackMs().p50(), step.ackMs().p99(), step.ackMs().p999(), step.deliveryMs().p50(),
					step.deliveryMs().p99(), step.deliveryMs().p999(), step.deliveryMs().max(), step.lost(),
					step.duplicated(), step.outOfOrder(), step.unacked(), cores, rss));
		}
		for (Step step : this.steps) {
			if (!step.errors().isEmpty() || !step.closed().isEmpty()) {
				out.append(String.format(Locale.ROOT, "%nAt %.0f/s: errors %s, closed %s%n", step.rate(), step.errors(),
						step.closed()));
			}
		}
		if (!this.connect.failures().isEmpty()) {
			out.append(String.format(Locale.ROOT, "%nConnect failures: %s%n", this.connect.failures()));
		}
		for (Connect reconnect : this.reconnects) {
			if (!reconnect.failures().isEmpty()) {
				out.append(String.format(Locale.ROOT, "%nReconnect failures: %s%n", reconnect.failures()));
			}
		}
		return out.toString();
	}

	/**
	 * @param devices connections attempted
	 * @param welcomed connections that had their welcome
	 * @param failures the others, by reason
	 * @param seconds from the first handshake to the last welcome (or the timeout)
	 * @param perSecond welcomed per second
	 * @param handshakeMs from the handshake's start to the welcome
	 * @param cpuMsPerHandshake milliseconds of CPU per welcomed handshake, by watched
	 * process (the servers, Redis, PostgreSQL, the load tool); null in reports written
	 * before it was measured
	 */
	record Connect(long devices, long welcomed, Map<String, Long> failures, double seconds, double perSecond,
			Latency handshakeMs, @Nullable Map<String, Double> cpuMsPerHandshake) {
	}

	/**
	 * @param cpuMsPerHandshake milliseconds of CPU per handshake by process, or null
	 * @return e.g. "clipsync-1 0.81 ms, clipsync-2 0.80 ms, load generator 0.52 ms"
	 */
	static String describeCpu(@Nullable Map<String, Double> cpuMsPerHandshake) {
		if (cpuMsPerHandshake == null) {
			return "not measured";
		}
		return cpuMsPerHandshake.entrySet()
			.stream()
			.map((entry) -> String.format(Locale.ROOT, "%s %.2f ms", entry.getKey(), entry.getValue()))
			.collect(Collectors.joining(", "));
	}

	/**
	 * One rate.
	 *
	 * @param rate pushes per second asked for
	 * @param sentPerSecond pushes sent per second in the measured window
	 * @param acksPerSecond acks of pushes sent in the window, per second of it
	 * @param deliveriesPerSecond clips received in the window, per second
	 * @param sent pushes sent, warm-up included
	 * @param unacked pushes never acked by the end of the drain
	 * @param notConnected pushes skipped because the pusher was not connected
	 * @param lost acked pushes some other device of the user never received
	 * @param duplicated clips a device received twice (same seq)
	 * @param outOfOrder clips received after one with a higher seq
	 * @param ackMs push sent to ack read
	 * @param deliveryMs push sent to clip read, per receiving device
	 * @param processes CPU and memory of each watched process in the window
	 * @param machineCores cores busy on the whole machine in the window
	 * @param errors error messages and send failures, by code
	 * @param closed connections closed while in use, by code
	 */
	record Step(double rate, double sentPerSecond, double acksPerSecond, double deliveriesPerSecond, long sent,
			long unacked, long notConnected, long lost, long duplicated, long outOfOrder, Latency ackMs,
			Latency deliveryMs, List<Process> processes, double machineCores, Map<String, Long> errors,
			Map<String, Long> closed) {
	}

	/**
	 * @param name as given
	 * @param pid the root process
	 * @param cores CPU busy, process and descendants
	 * @param rssMiB resident set at the end
	 * @param peakRssMiB largest resident set sampled
	 */
	record Process(String name, long pid, double cores, double rssMiB, double peakRssMiB) {
	}

	/**
	 * Percentiles in milliseconds.
	 *
	 * @param count values recorded
	 * @param p50 median
	 * @param p90 90th percentile
	 * @param p99 99th
	 * @param p999 99.9th
	 * @param max largest
	 * @param percentiles the distribution by percentile, for the plots
	 */
	record Latency(long count, double p50, double p90, double p99, double p999, double max,
			Map<String, Double> percentiles) {

		private static final double[] POINTS = { 0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100 };

		static Latency of(Histogram micros) {
			Map<String, Double> points = new LinkedHashMap<>();
			for (double point : POINTS) {
				points.put(Double.toString(point), ms(micros, point));
			}
			return new Latency(micros.getTotalCount(), ms(micros, 50), ms(micros, 90), ms(micros, 99), ms(micros, 99.9),
					ms(micros, 100), points);
		}

		private static double ms(Histogram micros, double percentile) {
			if (micros.getTotalCount() == 0) {
				return 0;
			}
			long value = (percentile >= 100) ? micros.getMaxValue() : micros.getValueAtPercentile(percentile);
			return DeliveryLoad.round(value / 1000.0, 3);
		}

	}

}
