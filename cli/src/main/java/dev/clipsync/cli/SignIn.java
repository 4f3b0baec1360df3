package dev.clipsync.cli;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

import dev.clipsync.client.ClipSync;
import dev.clipsync.client.profile.Profile;
import picocli.CommandLine.Option;

/**
 * What {@code register} and {@code login} both ask for to sign a profile in as a device,
 * and the sign-in itself.
 */
final class SignIn {

	@Option(names = "--server", required = true, description = "The server URL, e.g. https://clipsync.example.com")
	String server;

	@Option(names = "--email", required = true, description = "Your account's email.")
	String email;

	@Option(names = "--device", description = "How other devices see this one (default: the host name).")
	String device;

	@Option(names = "--password-stdin", description = "Read the password from standard input.")
	boolean passwordStdin;

	/** The {@code --server} given, checked: a bare host name means https. */
	URI serverUri() {
		try {
			URI uri = URI.create(this.server.contains("://") ? this.server : "https://" + this.server);
			if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
				throw new IllegalArgumentException();
			}
			return uri;
		}
		catch (IllegalArgumentException ex) {
			throw new UserError(Exit.USAGE,
					"'" + this.server + "' is not a server URL: give one like https://clipsync.example.com");
		}
	}

	/** Sign the profile in as a new device of the account. */
	ClipSync login(Profile profile, String password) {
		return ClipSync.login(profile, serverUri(), this.email, password, deviceName(), platform());
	}

	private String deviceName() {
		if (this.device != null && !this.device.isBlank()) {
			return this.device;
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

	private static String platform() {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		return os.contains("mac") ? "macos" : os.contains("win") ? "windows" : "linux";
	}

}
