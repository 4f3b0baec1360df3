package dev.clipsync.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.clipsync.client.profile.Profile;
import tools.jackson.databind.JsonNode;

/**
 * The profile's tokens. Every read and every refresh runs under the profile's lock and
 * re-reads the file first: the refresh token rotates on use, and presenting an old one
 * revokes the whole device, so two processes of one profile must never both refresh.
 */
final class Credentials {

	static final String FILE = "tokens.json";

	private final Profile profile;

	private final Api api;

	private final Endpoints endpoints;

	Credentials(Profile profile, Api api, Endpoints endpoints) {
		this.profile = profile;
		this.api = api;
		this.endpoints = endpoints;
	}

	/**
	 * @param accessToken the access token
	 * @param accessExpiresAt when it expires
	 * @param refreshToken the refresh token, good for one use
	 * @param accessLifetimeSeconds how long the access token was issued for (0 in files
	 * written before it was kept)
	 */
	record Tokens(String accessToken, Instant accessExpiresAt, String refreshToken, long accessLifetimeSeconds) {

		/**
		 * How long before expiry to refresh: the margin asked for, or a third of the
		 * token's lifetime when that is less, so a token shorter than three margins (an
		 * operator's choice) is not refreshed again the moment it arrives.
		 */
		Duration ahead(Duration wanted) {
			if (this.accessLifetimeSeconds <= 0) {
				return wanted;
			}
			Duration third = Duration.ofSeconds(this.accessLifetimeSeconds).dividedBy(3);
			return (third.compareTo(wanted) < 0) ? third : wanted;
		}

	}

	static void store(Profile profile, JsonNode pair) {
		long lifetime = pair.get("expiresIn").asLong(900);
		Instant expires = Instant.now().plusSeconds(lifetime);
		Tokens tokens = new Tokens(pair.get("accessToken").asString(), expires, pair.get("refreshToken").asString(),
				lifetime);
		profile.write(FILE, Json.mapper.writeValueAsString(tokens));
	}

	Tokens current() {
		return this.profile.read(FILE)
			.map((text) -> Json.mapper.readValue(text, Tokens.class))
			.orElseThrow(() -> new ClipSyncException(ClipSyncException.NOT_LOGGED_IN, 0,
					"profile '" + this.profile.name() + "' is signed out: run 'clipsync login'"));
	}

	/**
	 * @param atLeast how long the token must still be valid (at most a third of its
	 * lifetime is asked of a short-lived token)
	 * @return an access token valid for at least that long, refreshed if needed
	 */
	Tokens fresh(Duration atLeast) {
		return this.profile.locked(() -> {
			Tokens tokens = current();
			if (tokens.accessExpiresAt().isAfter(Instant.now().plus(tokens.ahead(atLeast)))) {
				return tokens;
			}
			return refresh(tokens);
		});
	}

	String accessToken() {
		return fresh(Duration.ofSeconds(60)).accessToken();
	}

	/**
	 * The server refused this access token: refresh, unless another process already did.
	 * @param rejected the token that was refused
	 * @return a new token
	 */
	Tokens replace(String rejected) {
		return this.profile.locked(() -> {
			Tokens tokens = current();
			if (!tokens.accessToken().equals(rejected) && tokens.accessExpiresAt().isAfter(Instant.now())) {
				return tokens;
			}
			return refresh(tokens);
		});
	}

	private Tokens refresh(Tokens tokens) {
		JsonNode pair;
		try {
			pair = this.api.call("POST", Endpoints.at(this.endpoints.auth(), "refresh"),
					Map.of("refreshToken", tokens.refreshToken()), null);
		}
		catch (ClipSyncException ex) {
			if (ex.status() == 401 || ex.status() == 403) {
				// the device was signed out, revoked, or its refresh token reused
				this.profile.delete(FILE);
				throw new ClipSyncException(ClipSyncException.SIGNED_OUT, ex.status(),
						"this device was signed out (" + ex.code() + "): run 'clipsync login' again");
			}
			throw ex;
		}
		store(this.profile, pair);
		return current();
	}

}
