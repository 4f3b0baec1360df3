package dev.clipsync.bench;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/**
 * {@code 500ms}, {@code 20s}, {@code 2m}, a bare number of seconds ({@code 0}), or
 * ISO-8601 ({@code PT20S}): the durations the benchmarks' options take.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

	private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m)?");

	@Override
	public Duration convert(String value) {
		Matcher matcher = SHORT.matcher(value.strip());
		if (!matcher.matches()) {
			return Duration.parse(value);
		}
		long amount = Long.parseLong(matcher.group(1));
		String unit = (matcher.group(2) != null) ? matcher.group(2) : "s";
		return switch (unit) {
			case "ms" -> Duration.ofMillis(amount);
			case "s" -> Duration.ofSeconds(amount);
			default -> Duration.ofMinutes(amount);
		};
	}

}
