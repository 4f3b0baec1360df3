package dev.clipsync.cli;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

import dev.clipsync.client.ClipSync;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "login", description = "Sign this profile in as a device of your account.")
final class LoginCommand extends Base {

	@Option(names = "--server", required = true, description = "The server URL, e.g. https://clipsync.example.com")
	String server;

	@Option(names = "--email", required = true, description = "Your account's email.")
	String email;

	@Option(names = "--device", description = "How other devices see this one (default: the host name).")
	String device;

	@Option(names = "--password-stdin", description = "Read the password from standard input.")
	boolean passwordStdin;

	@Override
	public Integer call() {
		String password = Passwords.read("Password", this.passwordStdin);
		ClipSync client = ClipSync.login(profile(), serverUri(this.server), this.email, password,
				deviceName(this.device), platform());
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

	static URI serverUri(String server) {
		try {
			URI uri = URI.create(server.contains("://") ? server : "https://" + server);
			if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
				throw new IllegalArgumentException();
			}
			return uri;
		}
		catch (IllegalArgumentException ex) {
			throw new UserError(Exit.USAGE,
					"'" + server + "' is not a server URL: give one like https://clipsync.example.com");
		}
	}

	static String deviceName(String given) {
		if (given != null && !given.isBlank()) {
			return given;
		}
		String host = System.getenv("HOSTNAME");
		if (host == null || host.isBlank()) {
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (Exception ex) {
				host = "computer";
			}
		}
		return host;
	}

	static String platform() {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		return os.contains("mac") ? "macos" : os.contains("win") ? "windows" : "linux";
	}

}
