package dev.clipsync.cli;

import java.util.Map;

import picocli.CommandLine.Command;

@Command(name = "logout", description = "Sign this device out (its tokens stop working).")
final class LogoutCommand extends Base {

	@Override
	public Integer call() {
		client().logout();
		if (json()) {
			printJson(Map.of("signedOut", true));
		}
		else {
			out().println("Signed out.");
		}
		return Exit.OK;
	}

}
