package dev.clipsync.drills;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What one fault did to the clients.
 *
 * @param fault the fault's name
 * @param acked pushes of this drill that were acked
 * @param lost acked clips of this drill missing on at least one device of their user
 * @param duplicated clip messages a device got again for a seq it already held (dropped
 * by its dedupe by seq)
 * @param recovery from the fault's end until every device was connected and held every
 * acked clip of its user; {@code null} if that never happened
 * @param presenceRight from the fault's end until {@code GET /v1/presence} was right;
 * {@code null} if it was not right within its window
 * @param clientsSaw how connections ended and connects were refused meanwhile
 * @param problems what broke a guarantee; empty when the drill passed
 */
record DrillResult(String fault, int acked, int lost, int duplicated, @Nullable Duration recovery,
		@Nullable Duration presenceRight, String clientsSaw, List<String> problems) {

	boolean failed() {
		return !this.problems.isEmpty();
	}

	String verdict(Set<String> expectedToFail) {
		if (!failed()) {
			return expectedToFail.contains(this.fault) ? "ok (passes now: take it out of the known failures)" : "ok";
		}
		return expectedToFail.contains(this.fault) ? "KNOWN FAILURE" : "FAILED";
	}

	/** The table the drills print and write to drills.md, with each failure explained. */
	static String markdown(List<DrillResult> results, Set<String> expectedToFail) {
		StringBuilder out = new StringBuilder();
		out.append(
				"| fault | pushes acked | lost | duplicated | recovery time | presence right | clients saw | result |\n");
		out.append("|---|---:|---:|---:|---:|---:|---|---|\n");
		for (DrillResult result : results) {
			out.append("| ")
				.append(result.fault)
				.append(" | ")
				.append(result.acked)
				.append(" | ")
				.append(result.lost)
				.append(" | ")
				.append(result.duplicated)
				.append(" | ")
				.append(seconds(result.recovery, "never"))
				.append(" | ")
				.append(seconds(result.presenceRight, "not within window"))
				.append(" | ")
				.append(result.clientsSaw)
				.append(" | ")
				.append(result.verdict(expectedToFail))
				.append(" |\n");
		}
		for (DrillResult result : results) {
			if (result.failed()) {
				out.append("\n")
					.append(result.fault)
					.append(" (")
					.append(result.verdict(expectedToFail))
					.append("):\n");
				for (String problem : result.problems) {
					out.append("- ").append(problem).append("\n");
				}
			}
		}
		return out.toString();
	}

	static String seconds(@Nullable Duration duration, String none) {
		return (duration != null) ? String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0) : none;
	}

}
