package dev.clipsync.cli.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Starts the agent at login: a systemd user unit on Linux, a LaunchAgent on macOS.
 */
public final class StartAtLogin {

	private StartAtLogin() {
	}

	/**
	 * Write the unit (or plist) and, where the service manager is there, enable and start
	 * it.
	 * @param launcher the clipsync launcher to run
	 * @param profile the profile the agent runs
	 * @return what was done, line by line, for the user
	 */
	public static List<String> install(Path launcher, String profile) throws IOException {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		return os.contains("mac") ? launchAgent(launcher, profile) : systemdUnit(launcher, profile);
	}

	static String unitName(String profile) {
		return "default".equals(profile) ? "clipsync-agent.service" : "clipsync-agent-" + profile + ".service";
	}

	static String unit(Path launcher, String profile) {
		return """
				[Unit]
				Description=ClipSync clipboard agent (profile %2$s)
				After=graphical-session.target
				PartOf=graphical-session.target

				[Service]
				ExecStart=%1$s --profile %2$s agent
				Restart=on-failure
				RestartSec=5

				[Install]
				WantedBy=graphical-session.target
				""".formatted(quote(launcher.toAbsolutePath().toString()), profile);
	}

	private static List<String> systemdUnit(Path launcher, String profile) throws IOException {
		String xdg = System.getenv("XDG_CONFIG_HOME");
		Path config = (xdg != null && !xdg.isBlank()) ? Path.of(xdg)
				: Path.of(System.getProperty("user.home"), ".config");
		Path file = config.resolve("systemd").resolve("user").resolve(unitName(profile));
		Files.createDirectories(file.getParent());
		Files.writeString(file, unit(launcher, profile));
		List<String> said = new ArrayList<>();
		said.add("wrote " + file);
		String name = unitName(profile);
		if (run("systemctl", "--user", "daemon-reload") && run("systemctl", "--user", "enable", "--now", name)) {
			said.add("enabled and started " + name + " (systemctl --user status " + name + ")");
		}
		else {
			said.add("systemd is not reachable from here: run 'systemctl --user daemon-reload && systemctl --user "
					+ "enable --now " + name + "' in your desktop session");
		}
		return said;
	}

	private static List<String> launchAgent(Path launcher, String profile) throws IOException {
		String label = "dev.clipsync.agent." + profile;
		Path file = Path.of(System.getProperty("user.home"), "Library", "LaunchAgents", label + ".plist");
		Files.createDirectories(file.getParent());
		Files.writeString(file,
				"""
						<?xml version="1.0" encoding="UTF-8"?>
						<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
						<plist version="1.0">
						<dict>
							<key>Label</key><string>%s</string>
							<key>ProgramArguments</key>
							<array><string>%s</string><string>--profile</string><string>%s</string><string>agent</string></array>
							<key>RunAtLoad</key><true/>
							<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
						</dict>
						</plist>
						"""
					.formatted(label, launcher.toAbsolutePath(), profile));
		List<String> said = new ArrayList<>();
		said.add("wrote " + file);
		said.add(run("launchctl", "load", "-w", file.toString()) ? "loaded " + label
				: "run 'launchctl load -w " + file + "' to start it now");
		return said;
	}

	private static String quote(String path) {
		return path.contains(" ") ? "\"" + path.replace("\"", "\\\"") + "\"" : path;
	}

	private static boolean run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return process.waitFor() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
