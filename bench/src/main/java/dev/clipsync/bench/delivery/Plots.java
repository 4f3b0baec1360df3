package dev.clipsync.bench.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

import dev.clipsync.bench.delivery.Report.Latency;
import dev.clipsync.bench.delivery.Report.Step;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Draws the delivery bench's JSON reports: latency by percentile, and throughput and ack
 * p99 against the push rate asked for, every system in the same chart.
 */
@Command(name = "delivery-plots", mixinStandardHelpOptions = true,
		description = { "Reads the JSON reports of bench/delivery.sh (one per system; several rates in one report "
				+ "give the rate plots their points) and writes PNG charts into --out: "
				+ "delivery-percentiles.png, ack-percentiles.png, throughput-vs-rate.png, ack-p99-vs-rate.png." })
public final class Plots implements Callable<Integer> {

	/** The percentiles plotted, as the keys {@link Latency#percentiles()} has them. */
	private static final Map<String, String> PERCENTILES = percentiles();

	@Parameters(arity = "1..*", description = "JSON reports written with --json")
	List<Path> reports = new ArrayList<>();

	@Option(names = "--out", description = "folder for the images (default: ${DEFAULT-VALUE})")
	Path out = Path.of(".");

	@Option(names = "--title", description = "added to every chart's title, e.g. the machine and date")
	String title = "";

	public static void main(String[] args) {
		System.exit(new CommandLine(new Plots()).execute(args));
	}

	@Override
	public Integer call() throws IOException {
		List<Report> read = new ArrayList<>();
		for (Path path : this.reports) {
			try {
				read.add(Report.read(Files.readString(path)));
			}
			catch (IOException | RuntimeException ex) {
				System.err.println("Cannot read " + path + " as a delivery report (" + ex.getMessage()
						+ "): give the files written by bench/delivery.sh --json");
				return 2;
			}
		}
		Files.createDirectories(this.out);
		save(percentileChart("Delivery latency (push sent to clip received)", read, Step::deliveryMs),
				"delivery-percentiles.png");
		save(percentileChart("Ack latency (push sent to ack received)", read, Step::ackMs), "ack-percentiles.png");
		save(rateChart("Throughput against the push rate asked for", "per second", read, false),
				"throughput-vs-rate.png");
		save(rateChart("Ack p99 against the push rate asked for", "ack p99 (ms)", read, true), "ack-p99-vs-rate.png");
		return 0;
	}

	private CategoryChart percentileChart(String name, List<Report> reports, Function<Step, Latency> latency) {
		CategoryChart chart = new CategoryChartBuilder().width(900)
			.height(540)
			.title(title(name))
			.xAxisTitle("percentile")
			.yAxisTitle("milliseconds")
			.build();
		chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Line);
		chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
		// One x position per percentile for every series, not side by side as for bars.
		chart.getStyler().setOverlapped(true);
		List<String> labels = new ArrayList<>(PERCENTILES.values());
		double low = Double.MAX_VALUE;
		double high = 0;
		for (Report report : reports) {
			for (Step step : report.steps()) {
				Latency values = latency.apply(step);
				if (values.count() == 0) {
					continue;
				}
				List<Double> ms = new ArrayList<>();
				for (String key : PERCENTILES.keySet()) {
					// A log axis has no room for 0: below a microsecond shows as one.
					ms.add(Math.max(0.001, values.percentiles().getOrDefault(key, 0.0)));
				}
				chart.addSeries(seriesName(report, step), labels, ms);
				low = Math.min(low, ms.stream().mapToDouble(Double::doubleValue).min().orElse(low));
				high = Math.max(high, ms.stream().mapToDouble(Double::doubleValue).max().orElse(high));
			}
		}
		// A log axis labels decades only: within one decade it would have no labels at
		// all.
		chart.getStyler().setYAxisLogarithmic(high > 10 * low);
		return chart;
	}

	private XYChart rateChart(String name, String yTitle, List<Report> reports, boolean ackP99) {
		XYChart chart = new XYChartBuilder().width(900)
			.height(540)
			.title(title(name))
			.xAxisTitle("pushes per second asked for")
			.yAxisTitle(yTitle)
			.build();
		chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
		for (Report report : reports) {
			double[] rates = report.steps().stream().mapToDouble(Step::rate).toArray();
			if (ackP99) {
				add(chart, report.system(), rates,
						report.steps().stream().mapToDouble((s) -> Math.max(0.001, s.ackMs().p99())).toArray());
			}
			else {
				add(chart, report.system() + " acks/s", rates,
						report.steps().stream().mapToDouble(Step::acksPerSecond).toArray());
				add(chart, report.system() + " deliveries/s", rates,
						report.steps().stream().mapToDouble(Step::deliveriesPerSecond).toArray());
			}
		}
		return chart;
	}

	private static void add(XYChart chart, String name, double[] x, double[] y) {
		XYSeries series = chart.addSeries(name, x, y);
		series.setMarker(SeriesMarkers.CIRCLE);
	}

	private String seriesName(Report report, Step step) {
		return String.format(java.util.Locale.ROOT, "%s, %.0f pushes/s", report.system(), step.rate());
	}

	private String title(String name) {
		return this.title.isEmpty() ? name : name + " - " + this.title;
	}

	private void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String file) throws IOException {
		Path path = this.out.resolve(file);
		BitmapEncoder.saveBitmap(chart, path.toString(), BitmapEncoder.BitmapFormat.PNG);
		System.out.println("Wrote " + path);
	}

	private static Map<String, String> percentiles() {
		Map<String, String> points = new LinkedHashMap<>();
		points.put("50.0", "p50");
		points.put("90.0", "p90");
		points.put("99.0", "p99");
		points.put("99.9", "p99.9");
		points.put("99.99", "p99.99");
		points.put("100.0", "max");
		return points;
	}

}
