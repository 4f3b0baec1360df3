package dev.clipsync.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: options every subcommand takes. */
@Command(name = "clipsync", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "clipsync 0.1.0",
		description = "Your clipboard on all your devices.", footer = { "", Exit.HELP },
		subcommands = { RegisterCommand.class, LoginCommand.class, LogoutCommand.class, PasswdCommand.class,
				PushCommand.class, PasteCommand.class, WatchCommand.class, HistoryCommand.class, DeleteCommand.class,
				ClearCommand.class, DevicesCommand.class, RevokeCommand.class, StatusCommand.class, E2eCommand.class,
				AgentCommand.class, AccountCommand.class, AutoComplete.GenerateCompletion.class })
final class Clipsync implements Runnable {

	@Option(names = "--profile", scope = ScopeType.INHERIT, defaultValue = "${env:CLIPSYNC_PROFILE:-default}",
			description = "Which account and device to use (default: $CLIPSYNC_PROFILE or 'default').")
	String profile = "default";

	@Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON for scripts instead of text.")
	boolean json;

	@picocli.CommandLine.Spec
	picocli.CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		this.spec.commandLine().usage(this.spec.commandLine().getOut());
	}

}
