package dev.clipsync.cli;

import java.util.List;

import dev.clipsync.client.Device;
import picocli.CommandLine.Command;

@Command(name = "devices", description = "List the devices signed in to your account.")
final class DevicesCommand extends Base {

	@Override
	public Integer call() {
		List<Device> devices = client().devices();
		if (json()) {
			printJson(devices);
			return Exit.OK;
		}
		for (Device device : devices) {
			out().printf("%-36s  %-20s %-8s %s%n", device.deviceId(), device.name(), device.platform(),
					device.current() ? "(this device)" : "");
		}
		return Exit.OK;
	}

}
