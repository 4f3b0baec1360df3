package dev.clipsync.auth.device;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.clipsync.common.web.Caller;
import dev.clipsync.common.web.ProblemException;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class DeviceController {

	private final DeviceRegistry devices;

	DeviceController(DeviceRegistry devices) {
		this.devices = devices;
	}

	@GetMapping("/v1/devices")
	List<DeviceView> list(Caller caller) {
		return this.devices.listActive(caller.userId())
			.stream()
			.map((device) -> DeviceView.of(device, caller.deviceId()))
			.toList();
	}

	@DeleteMapping("/v1/devices/{deviceId}")
	ResponseEntity<Void> revoke(Caller caller, @PathVariable UUID deviceId) {
		if (!this.devices.revoke(caller.userId(), deviceId)) {
			throw ProblemException.notFound("You have no active device " + deviceId + ".");
		}
		return ResponseEntity.noContent().build();
	}

	record DeviceView(UUID deviceId, String name, String platform, Instant createdAt, Instant lastSeenAt,
			boolean current) {

		static DeviceView of(Device device, UUID callerDeviceId) {
			return new DeviceView(device.id(), device.name(), device.platform(), device.createdAt(),
					device.lastSeenAt(), device.id().equals(callerDeviceId));
		}

	}

}
