package dev.clipsync.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.client.Clip;
import dev.clipsync.client.ClipSync;
import dev.clipsync.client.Device;
import dev.clipsync.client.History;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "history", description = "List the clips the server keeps, oldest first.")
final class HistoryCommand extends Base {

	@Option(names = "--after", defaultValue = "0", description = "Only clips after this seq.")
	long after;

	@Option(names = "--limit", defaultValue = "50",
			description = "At most this many, 1 to 200 (default: ${DEFAULT-VALUE}).")
	int limit;

	@Override
	public Integer call() {
		if (this.limit < 1 || this.limit > 200) {
			throw new UserError(Exit.USAGE, "--limit must be between 1 and 200");
		}
		if (this.after < 0) {
			throw new UserError(Exit.USAGE, "--after must be a seq (0 or more)");
		}
		ClipSync client = client();
		History history = client.history(this.after, this.limit);
		Map<UUID, String> names = new HashMap<>();
		if (!json()) {
			for (Device device : client.devices()) {
				names.put(device.deviceId(), device.name());
			}
		}
		if (json()) {
			printJson(Map.of("clips", history.clips().stream().map((clip) -> ClipView.of(clip, null)).toList(),
					"latestSeq", history.latestSeq()));
			return Exit.OK;
		}
		if (history.clips().isEmpty()) {
			out().println("No clips.");
		}
		for (Clip clip : history.clips()) {
			out().println(ClipView.of(clip, (clip.from() != null) ? names.get(clip.from()) : null).line(80));
		}
		return Exit.OK;
	}

}
