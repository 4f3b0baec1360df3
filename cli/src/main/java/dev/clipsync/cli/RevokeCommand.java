package dev.clipsync.cli;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.client.ClipSync;
import dev.clipsync.client.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", description = "Sign a device out for good (lost or sold).")
final class RevokeCommand extends Base {

	@Parameters(paramLabel = "DEVICE", description = "The device's id or its name, as 'clipsync devices' shows.")
	String device;

	@Override
	public Integer call() {
		ClipSync client = client();
		List<Device> devices = client.devices();
		List<Device> matches = devices.stream()
			.filter((d) -> d.deviceId().toString().equalsIgnoreCase(this.device) || d.name().equals(this.device))
			.toList();
		if (matches.isEmpty()) {
			throw new UserError(Exit.REFUSED, "no device '" + this.device + "': see 'clipsync devices'");
		}
		if (matches.size() > 1) {
			throw new UserError(Exit.USAGE,
					"several devices are named '" + this.device + "': give the id, as 'clipsync devices' shows");
		}
		UUID id = matches.get(0).deviceId();
		client.revoke(id);
		if (json()) {
			printJson(Map.of("revoked", id));
		}
		else {
			out().printf("Revoked %s (%s).%n", matches.get(0).name(), id);
		}
		return Exit.OK;
	}

}
