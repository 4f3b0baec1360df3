package dev.clipsync.bench.login;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.clipsync.bench.DurationConverter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * Logins per second that a running auth-service sustains with correct passwords, next to
 * the most that bcrypt allows on its cores.
 */
@Command(name = "login-throughput", mixinStandardHelpOptions = true, sortOptions = false,
		description = { "Registers users on a running auth-service, then logs them in from concurrent workers "
				+ "as fast as it answers, and compares the rate with the bcrypt checks per second all cores "
				+ "manage at once.", "Exits 1 when any login failed." })
final class LoginThroughput implements Callable<Integer> {

	@Option(names = "--base-url", description = "auth-service to load (default: ${DEFAULT-VALUE})")
	URI baseUrl = URI.create("http://127.0.0.1:8081");

	@Option(names = "--users",
			description = "accounts registered and logged in round-robin (default: ${DEFAULT-VALUE})")
	int users = 20;

	@Option(names = "--concurrency",
			description = "workers, so logins in flight; a few per service core keeps every core busy "
					+ "(default: ${DEFAULT-VALUE})")
	int concurrency = 8;

	@Option(names = "--warmup", converter = DurationConverter.class,
			description = "load before measuring, for the service's JIT (default: 5s)")
	Duration warmup = Duration.ofSeconds(5);

	@Option(names = "--duration", converter = DurationConverter.class, description = "measured period (default: 20s)")
	Duration duration = Duration.ofSeconds(20);

	@Option(names = "--bcrypt-cost",
			description = "the service's clipsync.passwords.bcrypt-cost (default: ${DEFAULT-VALUE})")
	int bcryptCost = 10;

	@Option(names = "--bcrypt-runs", description = "timed bcrypt checks for the bound (default: ${DEFAULT-VALUE})")
	int bcryptRuns = 20;

	@Option(names = "--server-cores",
			description = "cores of the service's machine (default: this machine's, ${DEFAULT-VALUE})")
	int serverCores = Runtime.getRuntime().availableProcessors();

	@Option(names = "--timeout", converter = DurationConverter.class,
			description = "longest wait for one answer (default: 30s)")
	Duration timeout = Duration.ofSeconds(30);

	public static void main(String[] args) {
		System.exit(new CommandLine(new LoginThroughput()).execute(args));
	}

	@Override
	public Integer call() throws Exception {
		if (this.users < 1 || this.concurrency < 1 || this.bcryptRuns < 1 || this.serverCores < 1
				|| this.duration.isZero() || this.duration.isNegative() || this.warmup.isNegative()) {
			throw new CommandLine.ParameterException(new CommandLine(this),
					"--users, --concurrency, --bcrypt-runs, --server-cores and --duration must be positive");
		}
		Instant started = Instant.now();
		// Timed first, while the service is idle: what these cores do with bcrypt alone.
		BcryptBound bound = BcryptBound.measure(this.bcryptCost, this.serverCores, 5, this.bcryptRuns);

		AuthClient client = new AuthClient(this.baseUrl, this.timeout);
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<AuthClient.User> accounts = new ArrayList<>();
		for (int i = 0; i < this.users; i++) {
			AuthClient.User user = new AuthClient.User("bench-" + run + "-" + i + "@example.com",
					UUID.randomUUID().toString());
			client.register(user);
			accounts.add(user);
		}

		LoginLoad.Result result = new LoginLoad(client, accounts, new CpuUsage(client)).run(this.concurrency,
				this.warmup, this.duration);
		printReport(started, bound, result);
		return (result.errorCount() == 0) ? 0 : 1;
	}

	private void printReport(Instant started, BcryptBound bound, LoginLoad.Result result) {
		double ratio = result.loginsPerSecond() / bound.loginsPerSecond();
		CpuUsage.Usage cpu = result.cpu();
		// Service CPU per login, to set against one bcrypt check: the rest is HTTP, JSON,
		// the database, tokens and logging.
		Double cpuPerLogin = (cpu.service() != null && result.logins() > 0)
				? cpu.service() * this.duration.toNanos() / 1e6 / result.logins() : null;
		System.out.printf(Locale.ROOT, "Login throughput of %s (%s)%n", this.baseUrl, started);
		System.out.printf(Locale.ROOT, "  load          %d users, %d workers, %s warm-up, %s measured%n", this.users,
				this.concurrency, format(this.warmup), format(this.duration));
		System.out.printf(Locale.ROOT, "  logins        %d ok, %d errors%s%n", result.logins(), result.errorCount(),
				result.errors().isEmpty() ? "" : " " + result.errors());
		System.out.printf(Locale.ROOT, "  throughput    %.1f logins/s%n", result.loginsPerSecond());
		System.out.printf(Locale.ROOT, "  latency       p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
				result.latencyMillis(50), result.latencyMillis(90), result.latencyMillis(99),
				result.maxLatencyMillis());
		System.out.printf(Locale.ROOT, "bcrypt bound (cost %d, %d cores)%n", bound.cost(), bound.cores());
		System.out.printf(Locale.ROOT,
				"  one check     %.2f ms alone, %.2f ms with one on every core (medians of %d, " + "in this process)%n",
				bound.checkMillis(), bound.concurrentCheckMillis(), this.bcryptRuns);
		System.out.printf(Locale.ROOT,
				"  bound         %.1f logins/s (checks on every core at once; %.1f from one check alone)%n",
				bound.loginsPerSecond(), bound.loginsPerSecondFromOneCheck());
		System.out.printf(Locale.ROOT, "  achieved      %.2f of the bound%n", ratio);
		System.out.printf(Locale.ROOT, "CPU while measured (cores busy, of %d here)%n",
				Runtime.getRuntime().availableProcessors());
		System.out.printf(Locale.ROOT, "  auth-service  %s%s%n", format(cpu.service()),
				(cpuPerLogin != null) ? String.format(Locale.ROOT, " (%.1f ms of CPU per login)", cpuPerLogin) : "");
		System.out.printf(Locale.ROOT, "  this bench    %s%n", format(cpu.loadGenerator()));
		System.out.printf(Locale.ROOT, "  whole machine %s%n", format(cpu.machine()));
		// Anything else running skews the result; this says by how much.
		System.out.printf(Locale.ROOT, "  other         %s%n", format(cpu.other()));
		Double other = cpu.other();
		// PostgreSQL alone stays well under this; more means something else competed.
		if (other != null && other > 0.1 * Runtime.getRuntime().availableProcessors()) {
			System.out.printf(Locale.ROOT, "  warning: other processes took %.2f cores: rerun on a quiet machine%n",
					other);
		}

		Map<String, @Nullable Object> json = new LinkedHashMap<>();
		json.put("benchmark", "login-throughput");
		json.put("started", started.toString());
		json.put("baseUrl", this.baseUrl.toString());
		json.put("users", this.users);
		json.put("concurrency", this.concurrency);
		json.put("warmupSeconds", this.warmup.toMillis() / 1000.0);
		json.put("durationSeconds", this.duration.toMillis() / 1000.0);
		json.put("logins", result.logins());
		json.put("errors", result.errors());
		json.put("loginsPerSecond", round(result.loginsPerSecond()));
		json.put("p50Millis", round(result.latencyMillis(50)));
		json.put("p90Millis", round(result.latencyMillis(90)));
		json.put("p99Millis", round(result.latencyMillis(99)));
		json.put("maxMillis", round(result.maxLatencyMillis()));
		json.put("bcryptCost", bound.cost());
		json.put("cores", bound.cores());
		json.put("bcryptCheckMillis", round(bound.checkMillis()));
		json.put("bcryptConcurrentCheckMillis", round(bound.concurrentCheckMillis()));
		json.put("boundFromOneCheck", round(bound.loginsPerSecondFromOneCheck()));
		json.put("boundLoginsPerSecond", round(bound.loginsPerSecond()));
		json.put("ratio", round(ratio));
		json.put("serviceCores", round(cpu.service()));
		json.put("serviceCpuMillisPerLogin", round(cpuPerLogin));
		json.put("benchCores", round(cpu.loadGenerator()));
		json.put("machineCores", round(cpu.machine()));
		json.put("otherCores", round(cpu.other()));
		// One line, last, for scripts: tail -n 1 | jq.
		System.out.println(JsonMapper.builder().build().writeValueAsString(json));
	}

	private static @Nullable Double round(@Nullable Double value) {
		return (value != null) ? Math.round(value * 1000) / 1000.0 : null;
	}

	private static String format(@Nullable Double cores) {
		return (cores != null) ? String.format(Locale.ROOT, "%.2f", cores) : "unknown";
	}

	private static String format(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

}
