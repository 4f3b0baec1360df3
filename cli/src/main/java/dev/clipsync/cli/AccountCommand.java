package dev.clipsync.cli;

import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "account", description = "Your account.")
final class AccountCommand extends Base {

	@Override
	public Integer call() {
		this.spec.commandLine().usage(out());
		return Exit.USAGE;
	}

	@Command(name = "delete", description = "Delete your account, its devices and all its clips, for good.")
	int delete(
			@Option(names = "--password-stdin", description = "Read the password from standard input.") boolean stdin) {
		var client = client();
		client.deleteAccount(Passwords.read("Password", stdin));
		if (json()) {
			printJson(Map.of("deleted", true));
		}
		else {
			out().println("Account deleted.");
		}
		return Exit.OK;
	}

}
