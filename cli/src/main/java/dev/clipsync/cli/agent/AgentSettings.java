package dev.clipsync.cli.agent;

import dev.clipsync.client.profile.Profile;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-device toggles, in the profile's {@code agent.json}: the CLI writes them, a
 * running agent notices the change within a second.
 *
 * @param send push what is copied here
 * @param receive apply what other devices copy
 * @param paused neither, for now
 * @param sendConcealed also push what a password manager marks as secret (as a sensitive
 * clip)
 */
public record AgentSettings(boolean send, boolean receive, boolean paused, boolean sendConcealed) {

	static final String FILE = "agent.json";

	private static final JsonMapper json = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	public static AgentSettings defaults() {
		return new AgentSettings(true, true, false, false);
	}

	public static AgentSettings read(Profile profile) {
		try {
			return profile.read(FILE).map((text) -> json.readValue(text, AgentSettings.class)).orElse(defaults());
		}
		catch (RuntimeException ex) {
			return defaults();
		}
	}

	public void write(Profile profile) {
		profile.write(FILE, json.writeValueAsString(this));
	}

	public boolean sending() {
		return this.send && !this.paused;
	}

	public boolean receiving() {
		return this.receive && !this.paused;
	}

	public String describe() {
		if (this.paused) {
			return "paused";
		}
		String mode = (this.send && this.receive) ? "sending and receiving"
				: this.send ? "send only" : this.receive ? "receive only" : "neither sending nor receiving";
		return mode + (this.sendConcealed ? ", concealed content sent as sensitive" : "");
	}

}
