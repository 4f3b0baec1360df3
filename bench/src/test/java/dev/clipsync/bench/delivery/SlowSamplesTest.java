package dev.clipsync.bench.delivery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SlowSamplesTest {

	@TempDir
	Path work;

	@Test
	void writesWhatReachedTheBoundWithBothClocks() throws Exception {
		Path file = this.work.resolve("slow.txt");
		long arrived = System.nanoTime();
		Instant before = Instant.now();
		try (SlowSamples slow = new SlowSamples(file, Duration.ofMillis(10))) {
			slow.mark("window-1000/s");
			slow.sample("ack", arrived, 9_999);
			slow.sample("ack", arrived, 10_000);
			slow.sample("delivery", arrived, 250_000);
		}

		List<String> lines = Files.readAllLines(file);
		assertThat(lines).hasSize(4);
		assertThat(lines.getFirst()).startsWith("#");
		assertThat(lines.get(1)).endsWith(" window-1000/s 0");
		assertThat(lines.get(2)).isEqualTo(arrived / 1000 + " " + lines.get(2).split(" ")[1] + " ack 10000");
		assertThat(lines.get(3)).startsWith(arrived / 1000 + " ").endsWith(" delivery 250000");
		Instant written = Instant.parse(lines.get(3).split(" ")[1]);
		assertThat(written).isBetween(before, Instant.now());
	}

}
