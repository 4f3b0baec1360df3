package dev.clipsync.cli;

import java.util.Map;

import dev.clipsync.client.ClipSync;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "e2e", description = { "End-to-end encryption: the server stores only what your devices can open.",
		"Every device of the account must enable it with the same passphrase." })
final class E2eCommand extends Base {

	@Override
	public Integer call() {
		ClipSync client = client();
		if (json()) {
			printJson(Map.of("enabled", client.e2eEnabled()));
		}
		else {
			out().println("End-to-end encryption is " + (client.e2eEnabled() ? "on." : "off."));
		}
		return Exit.OK;
	}

	@Command(name = "enable", description = "Turn it on for this device with the account's passphrase.")
	int enable(@Option(names = "--passphrase-stdin",
			description = "Read the passphrase from standard input.") boolean passphraseStdin) {
		ClipSync client = client();
		String passphrase = Passwords.readNew("Passphrase", passphraseStdin);
		if (passphrase.length() < 8) {
			throw new UserError(Exit.USAGE, "use a passphrase of at least 8 characters");
		}
		client.enableE2e(passphrase);
		if (json()) {
			printJson(Map.of("enabled", true));
		}
		else {
			out().println("End-to-end encryption is on. Use the same passphrase on your other devices.");
		}
		return Exit.OK;
	}

	@Command(name = "disable", description = "Turn it off for this device (the key is forgotten).")
	int disable() {
		client().disableE2e();
		if (json()) {
			printJson(Map.of("enabled", false));
		}
		else {
			out().println("End-to-end encryption is off: clips from this device travel readable by the server.");
		}
		return Exit.OK;
	}

}
