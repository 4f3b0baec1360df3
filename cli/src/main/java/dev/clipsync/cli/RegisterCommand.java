package dev.clipsync.cli;

import java.util.Map;

import dev.clipsync.client.ClipSync;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "register", description = "Create an account and sign this profile in to it.")
final class RegisterCommand extends Base {

	@Mixin
	SignIn signIn;

	@Option(names = "--name", description = "Your display name.")
	String name;

	@Override
	public Integer call() {
		String password = Passwords.readNew("Password (at least 12 characters, at most 72 bytes)",
				this.signIn.passwordStdin);
		ClipSync.register(this.signIn.serverUri(), this.signIn.email, password, this.name);
		ClipSync client = this.signIn.login(profile(), password);
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
