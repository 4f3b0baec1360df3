package dev.clipsync.cli;

import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "passwd", description = "Change your password; every other device is signed out.")
final class PasswdCommand extends Base {

	@Option(names = "--password-stdin",
			description = "Read the current and the new password from standard input, one per line.")
	boolean passwordStdin;

	@Override
	public Integer call() {
		var client = client();
		String current = Passwords.read("Current password", this.passwordStdin);
		String next = Passwords.readNew("New password (at least 12 characters, at most 72 bytes)", this.passwordStdin);
		client.changePassword(current, next);
		if (json()) {
			printJson(Map.of("changed", true));
		}
		else {
			out().println("Password changed; your other devices were signed out.");
		}
		return Exit.OK;
	}

}
