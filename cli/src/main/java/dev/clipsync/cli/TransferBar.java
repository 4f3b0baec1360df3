package dev.clipsync.cli;

import dev.clipsync.client.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * The progress of an upload or download as a bar on standard error, shown only when the
 * command runs on a terminal: scripts and pipes get no escape codes.
 */
final class TransferBar implements Progress, AutoCloseable {

	private static final long MIB = 1024 * 1024;

	private final String task;

	private @Nullable ProgressBar bar;

	private final boolean shown;

	TransferBar(String task) {
		this.task = task;
		this.shown = System.console() != null && System.console().isTerminal();
	}

	@Override
	public synchronized void advanced(long done, long total) {
		if (!this.shown) {
			return;
		}
		if (this.bar == null) {
			this.bar = new ProgressBarBuilder().setTaskName(this.task)
				.setInitialMax(total)
				.startsFrom(done, java.time.Duration.ZERO)
				.setUnit(" MiB", MIB)
				.setStyle(ProgressBarStyle.ASCII)
				.showSpeed()
				.continuousUpdate()
				.build();
		}
		this.bar.stepTo(done);
	}

	@Override
	public synchronized void close() {
		if (this.bar != null) {
			this.bar.close();
		}
	}

	/** {@code 30.0 MiB}, {@code 512 KiB}, {@code 12 bytes}. */
	static String size(long bytes) {
		if (bytes >= MIB) {
			return String.format("%.1f MiB", bytes / (double) MIB);
		}
		if (bytes >= 1024) {
			return (bytes / 1024) + " KiB";
		}
		return bytes + " bytes";
	}

}
