package dev.clipsync.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.clipsync.cli.agent.AgentSettings;
import dev.clipsync.client.ClipSync;
import dev.clipsync.client.ClipSyncException;
import dev.clipsync.client.DevicePresence;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Who you are signed in as, and which of your devices are online now.")
final class StatusCommand extends Base {

	@Override
	public Integer call() {
		ClipSync client = client();
		List<DevicePresence> presence;
		String presenceError = null;
		try {
			presence = client.presence();
		}
		catch (ClipSyncException ex) {
			if (ClipSyncException.SIGNED_OUT.equals(ex.code()) || ClipSyncException.NOT_LOGGED_IN.equals(ex.code())) {
				throw ex;
			}
			presence = List.of();
			presenceError = ex.getMessage();
		}
		int pending = client.outbox().size();
		AgentSettings agent = AgentSettings.read(client.profile());
		if (json()) {
			Map<String, Object> status = new LinkedHashMap<>();
			status.put("profile", client.profile().name());
			status.put("account", client.account());
			status.put("e2e", client.e2eEnabled());
			status.put("outbox", pending);
			status.put("agent", agent);
			status.put("devices", presence);
			printJson(status);
		}
		else {
			out().printf("Profile %s: %s on %s, device '%s'%n", client.profile().name(), client.account().email(),
					client.account().server(), client.account().deviceName());
			out().printf("End-to-end encryption: %s%n", client.e2eEnabled() ? "on" : "off");
			out().printf("Agent: %s%n", agent.describe());
			if (pending > 0) {
				out().printf("Outbox: %d clip(s) not stored yet; the next push, watch or agent sends them%n", pending);
			}
			if (presenceError != null) {
				out().println("Devices: unknown (" + presenceError + ")");
			}
			for (DevicePresence device : presence) {
				out().printf("  %-20s %-8s %s%s%n", device.name(), device.platform(),
						device.online() ? "online" : "offline",
						device.deviceId().equals(client.account().deviceId()) ? "  (this device)" : "");
			}
		}
		return (presenceError != null) ? Exit.UNREACHABLE : Exit.OK;
	}

}
