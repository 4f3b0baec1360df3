package dev.clipsync.cli;

import java.util.Map;

import dev.clipsync.client.ClipSync;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "login", description = "Sign this profile in as a device of your account.")
final class LoginCommand extends Base {

	@Mixin
	SignIn signIn;

	@Override
	public Integer call() {
		String password = Passwords.read("Password", this.signIn.passwordStdin);
		ClipSync client = this.signIn.login(profile(), password);
		if (json()) {
			printJson(Map.of("userId", client.account().userId(), "deviceId", client.account().deviceId(), "profile",
					profile().name()));
		}
		else {
			out().printf("Signed in as %s on %s (device '%s', profile '%s').%n", client.account().email(),
					client.account().server(), client.account().deviceName(), profile().name());
		}
		return Exit.OK;
	}

}
