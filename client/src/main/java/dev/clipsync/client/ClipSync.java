package dev.clipsync.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.client.e2e.ClipCipher;
import dev.clipsync.client.profile.Profile;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A profile signed in to a ClipSync server: the account calls, clips and presence over
 * REST, and {@link #connect} for the live sync session. Needs only the server URL; the
 * rest comes from discovery, remembered in the profile so the client starts offline too.
 */
public final class ClipSync {

	static final String ACCOUNT_FILE = "account.json";

	static final String ENDPOINTS_FILE = "endpoints.json";

	static final String KEY_FILE = "e2e.key";

	private final Profile profile;

	private final Api api;

	private final Endpoints endpoints;

	private final Account account;

	private final Credentials credentials;

	private ClipSync(Profile profile, Api api, Endpoints endpoints, Account account) {
		this.profile = profile;
		this.api = api;
		this.endpoints = endpoints;
		this.account = account;
		this.credentials = new Credentials(profile, api, endpoints);
	}

	/**
	 * Open a signed-in profile; no network needed.
	 * @param profile the profile
	 * @return the client
	 * @throws ClipSyncException {@code not_logged_in} when the profile has no account
	 */
	public static ClipSync open(Profile profile) {
		Optional<String> account = profile.read(ACCOUNT_FILE);
		Optional<String> endpoints = profile.read(ENDPOINTS_FILE);
		if (account.isEmpty() || endpoints.isEmpty()) {
			throw new ClipSyncException(ClipSyncException.NOT_LOGGED_IN, 0, "profile '" + profile.name()
					+ "' is not signed in: run 'clipsync login --server URL --email EMAIL'");
		}
		return new ClipSync(profile, new Api(Api.newHttpClient()),
				Json.mapper.readValue(endpoints.get(), Endpoints.class),
				Json.mapper.readValue(account.get(), Account.class));
	}

	/**
	 * Create an account.
	 * @param server the server URL
	 * @param email the email
	 * @param password at least 12 characters and at most 72 bytes (bcrypt reads no more)
	 * @param displayName optional
	 * @return the new user's id
	 */
	public static UUID register(URI server, String email, String password, @Nullable String displayName) {
		Api api = new Api(Api.newHttpClient());
		Endpoints endpoints = api.discover(server);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("email", email);
		body.put("password", password);
		if (displayName != null) {
			body.put("displayName", displayName);
		}
		JsonNode created = api.call("POST", Endpoints.at(endpoints.auth(), "register"), body, null);
		return UUID.fromString(created.get("userId").asString());
	}

	/**
	 * Sign a profile in. A profile that was signed in to the same account before keeps
	 * its device id (and so its place in the device list); a revoked one becomes a new
	 * device.
	 * @param profile the profile
	 * @param server the server URL
	 * @param email the account's email
	 * @param password its password
	 * @param deviceName the name other devices see
	 * @param platform linux, macos, windows, ...
	 * @return the signed-in client
	 */
	public static ClipSync login(Profile profile, URI server, String email, String password, String deviceName,
			String platform) {
		Api api = new Api(Api.newHttpClient());
		Endpoints endpoints = api.discover(server);
		URI login = Endpoints.at(endpoints.auth(), "login");
		return profile.locked(() -> {
			Account previous = profile.read(ACCOUNT_FILE)
				.map((text) -> Json.mapper.readValue(text, Account.class))
				.orElse(null);
			JsonNode pair = null;
			if (previous != null && previous.server().equals(endpoints.server())
					&& previous.email().equalsIgnoreCase(email.trim())) {
				try {
					pair = api.call("POST", login,
							Map.of("email", email, "password", password, "deviceId", previous.deviceId().toString()),
							null);
				}
				catch (ClipSyncException ex) {
					if (!"device_revoked".equals(ex.code()) && ex.status() != 404) {
						throw ex;
					}
				}
			}
			if (pair == null) {
				pair = api.call("POST", login, Map.of("email", email, "password", password, "device",
						Map.of("name", deviceName, "platform", platform)), null);
			}
			UUID userId = UUID.fromString(pair.get("userId").asString());
			UUID deviceId = UUID.fromString(pair.get("deviceId").asString());
			String name = (previous != null && previous.deviceId().equals(deviceId)) ? previous.deviceName()
					: deviceName;
			Account account = new Account(endpoints.server(), email.trim(), userId, deviceId, name);
			if (previous == null || !previous.userId().equals(userId) || !previous.deviceId().equals(deviceId)) {
				// another account or device: nothing of the old one may leak into it
				profile.delete(KEY_FILE);
				profile.delete(SyncSession.LAST_SEQ_FILE);
				Outbox outbox = new Outbox(profile);
				outbox.entries().forEach((entry) -> outbox.remove(entry.id()));
			}
			profile.write(ENDPOINTS_FILE, Json.mapper.writeValueAsString(endpoints));
			profile.write(ACCOUNT_FILE, Json.mapper.writeValueAsString(account));
			Credentials.store(profile, pair);
			return new ClipSync(profile, api, endpoints, account);
		});
	}

	public Account account() {
		return this.account;
	}

	public Profile profile() {
		return this.profile;
	}

	/**
	 * @return the pushes of this profile waiting for their ack
	 */
	public Outbox outbox() {
		return new Outbox(this.profile);
	}

	/** Sign this device out: its refresh tokens are revoked; it can log in again. */
	public void logout() {
		try {
			authed("POST", Endpoints.at(this.endpoints.auth(), "logout"), null);
		}
		finally {
			this.profile.delete(Credentials.FILE);
		}
	}

	/** Change the password; every other device is signed out. */
	public void changePassword(String currentPassword, String newPassword) {
		authed("POST", Endpoints.at(this.endpoints.auth(), "password"),
				Map.of("currentPassword", currentPassword, "newPassword", newPassword));
	}

	public List<Device> devices() {
		List<Device> devices = new ArrayList<>();
		for (JsonNode device : authed("GET", this.endpoints.devices(), null)) {
			devices.add(new Device(UUID.fromString(device.get("deviceId").asString()), device.path("name").asString(""),
					device.path("platform").asString(""), instant(device.get("createdAt")),
					instant(device.get("lastSeenAt")), device.path("current").asBoolean(false)));
		}
		return devices;
	}

	/** Sign another device (or this one) out for good. */
	public void revoke(UUID deviceId) {
		authed("DELETE", Endpoints.at(this.endpoints.devices(), deviceId.toString()), null);
	}

	/** Delete the account, its devices and clips; the profile forgets it. */
	public void deleteAccount(String password) {
		authed("DELETE", this.endpoints.account(), Map.of("password", password));
		forget();
	}

	/** Remove everything this profile knows about its account. */
	public void forget() {
		this.profile.locked(() -> {
			for (String file : List.of(Credentials.FILE, ACCOUNT_FILE, ENDPOINTS_FILE, KEY_FILE,
					SyncSession.LAST_SEQ_FILE)) {
				this.profile.delete(file);
			}
			Outbox outbox = outbox();
			outbox.entries().forEach((entry) -> outbox.remove(entry.id()));
			return null;
		});
	}

	/**
	 * Stored clips after a seq, decrypted where this device holds the key.
	 * @param after the seq to start after (0 for the oldest kept)
	 * @param limit at most this many (up to 200)
	 * @return the page
	 */
	public History history(long after, int limit) {
		JsonNode page = authed("GET", URI.create(this.endpoints.clips() + "?after=" + after + "&limit=" + limit), null);
		ClipCodec codec = codec();
		List<Clip> clips = new ArrayList<>();
		for (JsonNode clip : page.path("clips")) {
			clips.add(codec.clip(clip));
		}
		return new History(clips, page.path("latestSeq").asLong());
	}

	/**
	 * @return the newest clip, if any
	 */
	public Optional<Clip> latest() {
		JsonNode clip = authed("GET", Endpoints.at(this.endpoints.clips(), "latest"), null);
		return clip.isObject() ? Optional.of(codec().clip(clip)) : Optional.empty();
	}

	public void delete(long seq) {
		authed("DELETE", Endpoints.at(this.endpoints.clips(), Long.toString(seq)), null);
	}

	/** Clear the whole history. */
	public void clear() {
		authed("DELETE", this.endpoints.clips(), null);
	}

	public List<DevicePresence> presence() {
		List<DevicePresence> devices = new ArrayList<>();
		for (JsonNode device : authed("GET", this.endpoints.presence(), null).path("devices")) {
			devices.add(devicePresence(device));
		}
		return devices;
	}

	/**
	 * Turn end-to-end encryption on: from now on this device seals what it pushes and
	 * opens what it receives. Every device of the account must use the same passphrase.
	 * @param passphrase the account's shared passphrase
	 */
	public void enableE2e(String passphrase) {
		byte[] key = ClipCipher.deriveKey(passphrase, this.account.userId());
		this.profile.write(KEY_FILE, Base64.getEncoder().encodeToString(key));
	}

	public void disableE2e() {
		this.profile.delete(KEY_FILE);
	}

	public boolean e2eEnabled() {
		return this.profile.read(KEY_FILE).isPresent();
	}

	/**
	 * Open the live session.
	 * @param listener told about clips, presence, acks and state
	 * @param resume keep the last seq in the profile, so a restarted process resumes
	 * where the last one stopped; otherwise start from the newest clip
	 * @return the session, connecting in the background
	 */
	public SyncSession connect(SyncListener listener, boolean resume) {
		return new SyncSession(this.api.http(), this.credentials, this.endpoints, outbox(), codec(), listener, -1,
				resume ? this.profile : null);
	}

	/**
	 * Upload a file as a blob, streamed and (with end-to-end encryption on) sealed chunk
	 * by chunk, and make the draft that refers to it: push it with
	 * {@link SyncSession#push}. An image gets an inline PNG preview. An upload no clip
	 * refers to is deleted by the server after an hour.
	 * @param file the file
	 * @param mime its media type
	 * @param progress told as the bytes go out
	 * @return the draft to push
	 * @throws ClipSyncException {@code too_large}, {@code quota_exceeded},
	 * {@code digest_mismatch}, {@code upload_interrupted}, {@code no_such_file}, ...
	 */
	public Draft upload(Path file, String mime, Progress progress) {
		ClipCipher cipher = cipher();
		Upload upload = blobs().upload(file, mime, cipher, progress);
		byte[] preview = Thumbnail.png(file, mime);
		return (preview != null) ? new Draft(mime, "base64", Base64.getEncoder().encodeToString(preview), false, upload)
				: new Draft(mime, "utf8", "", false, upload);
	}

	/**
	 * Download a clip's blob to a file. The bytes go to {@code target + ".part"} first; a
	 * download that broke off resumes from there, and the part becomes the target only
	 * when its SHA-256 is the clip's (else it is removed).
	 * @param clip a clip with a {@link Clip#blob()}
	 * @param target where to put it (replaced when it exists)
	 * @param progress told as the bytes arrive
	 * @throws ClipSyncException {@code download_interrupted} (run again to resume),
	 * {@code digest_mismatch}, {@code not_found}, {@code locked}, ...
	 */
	public void download(Clip clip, Path target, Progress progress) {
		blobs().download(clip, target, cipher(), progress);
	}

	private Blobs blobs() {
		return new Blobs(this.api.http(), this.credentials, this.endpoints.blobStore());
	}

	private ClipCodec codec() {
		return new ClipCodec(cipher());
	}

	private @Nullable ClipCipher cipher() {
		return this.profile.read(KEY_FILE)
			.map((key) -> new ClipCipher(Base64.getDecoder().decode(key.trim()), this.account.userId()))
			.orElse(null);
	}

	/** A REST call with the access token; refreshed and tried once more if refused. */
	private JsonNode authed(String method, URI uri, @Nullable Object body) {
		String token = this.credentials.accessToken();
		try {
			return this.api.call(method, uri, body, token);
		}
		catch (ClipSyncException ex) {
			if (ex.status() != 401) {
				throw ex;
			}
			return this.api.call(method, uri, body, this.credentials.replace(token).accessToken());
		}
	}

	static DevicePresence devicePresence(JsonNode device) {
		return new DevicePresence(UUID.fromString(device.get("deviceId").asString()),
				device.path("name").isString() ? device.get("name").asString() : null,
				device.path("platform").isString() ? device.get("platform").asString() : null,
				device.path("online").asBoolean(false), device.path("connections").asInt(0),
				instant(device.get("lastSeen")));
	}

	private static @Nullable Instant instant(@Nullable JsonNode node) {
		try {
			return (node != null && node.isString()) ? Instant.parse(node.asString()) : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
