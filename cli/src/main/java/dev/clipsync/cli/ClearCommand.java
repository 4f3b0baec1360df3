package dev.clipsync.cli;

import java.util.Map;

import picocli.CommandLine.Command;

@Command(name = "clear", description = "Delete the whole history.")
final class ClearCommand extends Base {

	@Override
	public Integer call() {
		client().clear();
		if (json()) {
			printJson(Map.of("cleared", true));
		}
		else {
			out().println("History cleared.");
		}
		return Exit.OK;
	}

}
