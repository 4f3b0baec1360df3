package dev.clipsync.cli;

import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", description = "Delete one clip from the history.")
final class DeleteCommand extends Base {

	@Parameters(paramLabel = "SEQ", description = "The clip's number, as 'clipsync history' shows it (#12 is 12).")
	String seq;

	@Override
	public Integer call() {
		long number;
		try {
			number = Long.parseLong(this.seq.startsWith("#") ? this.seq.substring(1) : this.seq);
		}
		catch (NumberFormatException ex) {
			throw new UserError(Exit.USAGE, "'" + this.seq + "' is not a clip number: see 'clipsync history'");
		}
		client().delete(number);
		if (json()) {
			printJson(Map.of("deleted", number));
		}
		else {
			out().printf("Deleted #%d.%n", number);
		}
		return Exit.OK;
	}

}
