package dev.clipsync.cli;

import java.time.Duration;
import java.util.Locale;

import picocli.CommandLine.ITypeConverter;

/** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or an ISO-8601 duration. */
final class DurationConverter implements ITypeConverter<Duration> {

	@Override
	public Duration convert(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		try {
			if (text.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
			}
			if (text.endsWith("s")) {
				return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
			}
			if (text.endsWith("m")) {
				return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
			}
			if (text.endsWith("h")) {
				return Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
			}
			return Duration.parse(value);
		}
		catch (RuntimeException ex) {
			throw new picocli.CommandLine.TypeConversionException(
					"'" + value + "' is not a duration: use e.g. 500ms, 30s, 5m or 1h");
		}
	}

}
