package dev.clipsync.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.clipsync.cli.agent.Agent;
import dev.clipsync.cli.agent.AgentSettings;
import dev.clipsync.cli.agent.StartAtLogin;
import dev.clipsync.client.ClipSync;
import dev.clipsync.client.profile.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "agent",
		description = {
				"Keep this computer's clipboard in sync: push what you copy, apply what your other devices copy.",
				"The toggles (pause, resume, mode, concealed) change a running agent within a second." })
final class AgentCommand extends Base {

	@Option(names = "--install", description = "Start the agent at login (systemd user unit; LaunchAgent on macOS).")
	boolean install;

	@Option(names = "--log", description = "Log file (default: agent.log in the profile's folder).")
	Path log;

	@Option(names = "--sensitive-ttl", defaultValue = "60s", converter = DurationConverter.class,
			description = "How long a received sensitive clip stays on the clipboard (default: ${DEFAULT-VALUE}).")
	Duration sensitiveTtl;

	@Option(names = "--poll", defaultValue = "300ms", converter = DurationConverter.class, hidden = true,
			description = "How often another program's clipboard is read (X11).")
	Duration poll;

	@Override
	public Integer call() throws Exception {
		if (this.install) {
			String launcher = System.getProperty("clipsync.launcher", System.getProperty("jpackage.app-path"));
			if (launcher == null) {
				throw new UserError(Exit.FAILED,
						"cannot tell where clipsync is installed: run --install through the " + "clipsync launcher");
			}
			for (String line : StartAtLogin.install(Path.of(launcher), profile().name())) {
				out().println(line);
			}
			return Exit.OK;
		}
		ClipSync client = client();
		Path logFile = (this.log != null) ? this.log : client.profile().directory().resolve("agent.log");
		try {
			Agent.run(client, new Agent.Options(this.poll, this.sensitiveTtl, logFile, System.err));
		}
		catch (IllegalStateException ex) {
			throw new UserError(Exit.FAILED, ex.getMessage());
		}
		return Exit.AUTH;
	}

	@Command(name = "pause", description = "Stop sending and receiving until 'resume'.")
	int pause() {
		return change((s) -> new AgentSettings(s.send(), s.receive(), true, s.sendConcealed(), s.fetchLimit()));
	}

	@Command(name = "resume", description = "Send and receive again after 'pause'.")
	int resume() {
		return change((s) -> new AgentSettings(s.send(), s.receive(), false, s.sendConcealed(), s.fetchLimit()));
	}

	@Command(name = "mode", description = "both, send-only or receive-only.")
	int mode(@Parameters(paramLabel = "MODE", description = "both, send-only or receive-only") String mode) {
		return switch (mode) {
			case "both" -> change((s) -> new AgentSettings(true, true, s.paused(), s.sendConcealed(), s.fetchLimit()));
			case "send-only" ->
				change((s) -> new AgentSettings(true, false, s.paused(), s.sendConcealed(), s.fetchLimit()));
			case "receive-only" ->
				change((s) -> new AgentSettings(false, true, s.paused(), s.sendConcealed(), s.fetchLimit()));
			default ->
				throw new UserError(Exit.USAGE, "unknown mode '" + mode + "': use both, send-only or receive-only");
		};
	}

	@Command(name = "concealed",
			description = "send: also push what a password manager marks secret (as sensitive); block: never (default).")
	int concealed(@Parameters(paramLabel = "send|block") String choice) {
		return switch (choice) {
			case "send" -> change((s) -> new AgentSettings(s.send(), s.receive(), s.paused(), true, s.fetchLimit()));
			case "block" -> change((s) -> new AgentSettings(s.send(), s.receive(), s.paused(), false, s.fetchLimit()));
			default -> throw new UserError(Exit.USAGE, "use 'send' or 'block'");
		};
	}

	@Command(name = "fetch-limit",
			description = "Images and files up to SIZE are fetched as they arrive (default 8MiB); larger ones wait "
					+ "for 'clipsync paste -o PATH'. 0 fetches none.")
	int fetchLimit(
			@Parameters(paramLabel = "SIZE", description = "bytes, or with KiB/MiB (8MiB, 512KiB)") String size) {
		long bytes = bytes(size);
		return change((s) -> new AgentSettings(s.send(), s.receive(), s.paused(), s.sendConcealed(), bytes));
	}

	private static long bytes(String size) {
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+)\\s*(|b|kib|kb|k|mib|mb|m)")
			.matcher(size.trim().toLowerCase(java.util.Locale.ROOT));
		if (!matcher.matches()) {
			throw new UserError(Exit.USAGE, "'" + size + "' is not a size: use bytes, or e.g. 512KiB or 8MiB");
		}
		long number = Long.parseLong(matcher.group(1));
		return switch (matcher.group(2)) {
			case "kib", "kb", "k" -> number * 1024;
			case "mib", "mb", "m" -> number * 1024 * 1024;
			default -> number;
		};
	}

	private int change(java.util.function.UnaryOperator<AgentSettings> change) {
		Profile profile = profile();
		AgentSettings next = profile.locked(() -> {
			AgentSettings changed = change.apply(AgentSettings.read(profile));
			changed.write(profile);
			return changed;
		});
		if (json()) {
			printJson(Map.of("agent", next));
		}
		else {
			out().println("Agent: " + next.describe() + ".");
		}
		return Exit.OK;
	}

}
