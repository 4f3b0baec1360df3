package dev.clipsync.presence.web;

import java.util.List;

import dev.clipsync.common.presence.PresenceReader;
import dev.clipsync.common.web.Caller;
import dev.clipsync.common.wire.DevicePresence;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PresenceController {

	private final PresenceReader reader;

	PresenceController(PresenceReader reader) {
		this.reader = reader;
	}

	@GetMapping("/v1/presence")
	Presence presence(Caller caller) {
		return new Presence(this.reader.devices(caller.userId()));
	}

	record Presence(List<DevicePresence> devices) {
	}

}
