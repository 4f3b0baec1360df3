package dev.clipsync.cli.agent;

import dev.clipsync.client.profile.Profile;
import org.jspecify.annotations.Nullable;
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
 * @param fetchLimit images and files up to this many bytes are fetched as they arrive;
 * larger ones wait for {@code clipsync paste -o} (null: {@link #DEFAULT_FETCH_LIMIT})
 */
public record AgentSettings(boolean send, boolean receive, boolean paused, boolean sendConcealed,
		@Nullable Long fetchLimit) {

	/** A screenshot of a 4K screen fits; a video does not. */
	public static final long DEFAULT_FETCH_LIMIT = 8L * 1024 * 1024;

	static final String FILE = "agent.json";

	private static final JsonMapper json = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	public static AgentSettings defaults() {
		return new AgentSettings(true, true, false, false, null);
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

	/**
	 * @return the size up to which images and files are fetched when they arrive
	 */
	public long fetchBelow() {
		return (this.fetchLimit != null) ? this.fetchLimit : DEFAULT_FETCH_LIMIT;
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
		return mode + (this.sendConcealed ? ", concealed content sent as sensitive" : "") + ", files fetched up to "
				+ (fetchBelow() / 1024 / 1024) + " MiB";
	}

}
