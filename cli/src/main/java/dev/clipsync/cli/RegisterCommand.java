package dev.clipsync.cli;

import java.util.Map;

import dev.clipsync.client.ClipSync;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "register", description = "Create an account and sign this profile in to it.")
final class RegisterCommand extends Base {

	@Option(names = "--server", required = true, description = "The server URL, e.g. https://clipsync.example.com")
	String server;

	@Option(names = "--email", required = true, description = "Your email.")
	String email;

	@Option(names = "--name", description = "Your display name.")
	String name;

	@Option(names = "--device", description = "How other devices see this one (default: the host name).")
	String device;

	@Option(names = "--password-stdin", description = "Read the password from standard input.")
	boolean passwordStdin;

	@Override
	public Integer call() {
		String password = Passwords.readNew("Password (at least 12 characters, at most 72 bytes)", this.passwordStdin);
		var server = LoginCommand.serverUri(this.server);
		ClipSync.register(server, this.email, password, this.name);
		ClipSync client = ClipSync.login(profile(), server, this.email, password, LoginCommand.deviceName(this.device),
				LoginCommand.platform());
		if (json()) {
			printJson(Map.of("userId", client.account().userId(), "deviceId", client.account().deviceId(), "profile",
					profile().name()));
		}
		else {
			out().printf("Account %s created; this device ('%s') is signed in.%n", client.account().email(),
					client.account().deviceName());
		}
		return Exit.OK;
	}

}
