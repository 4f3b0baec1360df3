package dev.clipsync.cli.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.clipsync.client.Clip;
import dev.clipsync.client.ClipSync;
import dev.clipsync.client.DevicePresence;
import dev.clipsync.client.Draft;
import dev.clipsync.client.Progress;
import dev.clipsync.client.SyncListener;
import dev.clipsync.client.SyncSession;
import dev.clipsync.client.profile.Profile;
import org.jspecify.annotations.Nullable;

/**
 * The desktop agent: pushes what the user copies, applies what the user's other devices
 * copy, and never pushes back a clip it applied (the clipboard backend attributes changes
 * by ownership, so a platform rewriting the bytes cannot cause a loop). Sensitive clips
 * are marked concealed and cleared after the TTL if still there; content a password
 * manager marks secret is not sent unless the user opted in. Images and files go by
 * reference (uploaded as blobs); received ones are fetched when they arrive if they are
 * below the fetch limit, else they wait for {@code clipsync paste -o}.
 */
public final class Agent {

	/**
	 * @param pollInterval how often a clipboard owned by another program is read
	 * @param sensitiveTtl how long a received sensitive clip stays on the clipboard
	 * @param logFile where the log goes
	 * @param status where status lines go (standard error)
	 */
	public record Options(Duration pollInterval, Duration sensitiveTtl, Path logFile, PrintStream status) {
	}

	private final ClipSync client;

	private final Options options;

	private final Map<UUID, String> names = new ConcurrentHashMap<>();

	private final ScheduledExecutorService timers = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("agent-timers").daemon().factory());

	private volatile AgentSettings settings;

	private long settingsModified;

	private @Nullable Clip pendingReplay;

	/** Uploads and downloads, one at a time, off the clipboard and session threads. */
	private final ExecutorService transfers = Executors
		.newSingleThreadExecutor(Thread.ofPlatform().name("agent-transfers").daemon().factory());

	/** The newest clip that arrived: a download finishing late must not hide it. */
	private final AtomicLong newestArrived = new AtomicLong();

	private Agent(ClipSync client, Options options) {
		this.client = client;
		this.options = options;
		this.settings = AgentSettings.read(client.profile());
	}

	/**
	 * Run until the device is signed out or the process is stopped.
	 * @param client the signed-in profile
	 * @param options how
	 * @return true when it stopped because the device was signed out
	 */
	public static boolean run(ClipSync client, Options options) throws IOException, InterruptedException {
		return new Agent(client, options).run();
	}

	private boolean run() throws IOException, InterruptedException {
		Profile profile = this.client.profile();
		try (AgentLog log = new AgentLog(this.options.logFile(), this.options.status());
				ClipboardBackend clipboard = WaylandClipboard.available() ? new WaylandClipboard()
						: new AwtClipboard(this.options.pollInterval())) {
			log.say("starting for " + this.client.account().email() + " as '" + this.client.account().deviceName()
					+ "' (profile " + profile.name() + ", " + clipboard.name() + ", " + this.settings.describe()
					+ (this.client.e2eEnabled() ? ", end-to-end encrypted" : "") + "); log: " + this.options.logFile());
			CountDownLatch signedOut = new CountDownLatch(1);
			SyncSession session = this.client.connect(new Listener(log, clipboard, signedOut), false);
			Thread stop = new Thread(() -> {
				log.say("stopping");
				session.close();
			});
			Runtime.getRuntime().addShutdownHook(stop);
			this.settingsModified = profile.modified(AgentSettings.FILE);
			this.timers.scheduleWithFixedDelay(() -> reloadSettings(log), 1, 1, TimeUnit.SECONDS);
			clipboard.watch((copied) -> copied(log, session, copied));
			signedOut.await();
			session.close();
			this.timers.shutdownNow();
			this.transfers.shutdownNow();
			return true;
		}
	}

	private void reloadSettings(AgentLog log) {
		long modified = this.client.profile().modified(AgentSettings.FILE);
		if (modified != this.settingsModified) {
			this.settingsModified = modified;
			this.settings = AgentSettings.read(this.client.profile());
			log.say("settings changed: " + this.settings.describe());
		}
	}

	private void copied(AgentLog log, SyncSession session, ClipboardBackend.Copied copied) {
		AgentSettings now = this.settings;
		if (!now.sending()) {
			log.say("copy not sent (" + now.describe() + ")");
			return;
		}
		if (copied.concealed() && !now.sendConcealed()) {
			log.say("copy not sent: a password manager marked it secret (allow with 'clipsync agent concealed send')");
			return;
		}
		if (copied.png() != null) {
			byte[] png = copied.png();
			this.transfers.execute(() -> sendImage(log, session, png));
			return;
		}
		if (!copied.files().isEmpty()) {
			this.transfers.execute(() -> sendFiles(log, session, copied.files()));
			return;
		}
		if (copied.text().isEmpty()) {
			return;
		}
		UUID id = session.push(Draft.text(copied.text()).sensitive(copied.concealed()));
		log.say("sent a copy (" + copied.text().length() + " chars" + (copied.concealed() ? ", sensitive" : "")
				+ ", id " + id + ")");
	}

	private void sendImage(AgentLog log, SyncSession session, byte[] png) {
		Path file = null;
		try {
			file = Files.createTempFile(this.client.profile().directory(), "copied-", ".png");
			Files.write(file, png);
			UUID id = session.push(this.client.upload(file, "image/png", Progress.NONE));
			log.say("sent an image (image/png, " + kib(png.length) + ", id " + id + ")");
		}
		catch (IOException | RuntimeException ex) {
			log.say("image not sent: " + ex.getMessage());
		}
		finally {
			if (file != null) {
				try {
					Files.deleteIfExists(file);
				}
				catch (IOException ex) {
					// a private temp file in the profile; the next start does not need it
				}
			}
		}
	}

	private void sendFiles(AgentLog log, SyncSession session, List<Path> files) {
		for (Path file : files) {
			if (!Files.isRegularFile(file)) {
				log.say("not sent: " + file + " is not a file (folders are not sent)");
				continue;
			}
			try {
				String mime = Files.probeContentType(file);
				UUID id = session
					.push(this.client.upload(file, (mime != null) ? mime : "application/octet-stream", Progress.NONE));
				log.say("sent " + file.getFileName() + " (id " + id + ")");
			}
			catch (IOException | RuntimeException ex) {
				log.say(file.getFileName() + " not sent: " + ex.getMessage());
			}
		}
	}

	private static String kib(long bytes) {
		return (bytes >= 1024 * 1024) ? String.format("%.1f MiB", bytes / 1048576.0) : (bytes / 1024) + " KiB";
	}

	/**
	 * Where received files are kept while the clipboard offers them; those older than a
	 * day are removed, so the folder does not grow for ever.
	 */
	private Path received() throws IOException {
		Path folder = this.client.profile().directory().resolve("received");
		Files.createDirectories(folder);
		java.nio.file.attribute.FileTime dayAgo = java.nio.file.attribute.FileTime
			.from(java.time.Instant.now().minus(Duration.ofDays(1)));
		try (java.util.stream.Stream<Path> files = Files.list(folder)) {
			for (Path old : files.toList()) {
				if (Files.getLastModifiedTime(old).compareTo(dayAgo) < 0) {
					Files.deleteIfExists(old);
				}
			}
		}
		return folder;
	}

	private static String extension(String mime) {
		return switch (mime.split(";")[0].trim()) {
			case "image/png" -> ".png";
			case "image/jpeg" -> ".jpg";
			case "image/gif" -> ".gif";
			case "application/pdf" -> ".pdf";
			case "text/plain" -> ".txt";
			default -> ".bin";
		};
	}

	private final class Listener implements SyncListener {

		private final AgentLog log;

		private final ClipboardBackend clipboard;

		private final CountDownLatch signedOut;

		Listener(AgentLog log, ClipboardBackend clipboard, CountDownLatch signedOut) {
			this.log = log;
			this.clipboard = clipboard;
			this.signedOut = signedOut;
		}

		@Override
		public void clip(Clip clip, boolean replayed) {
			if (replayed) {
				// missed while away: only the newest matters to a clipboard
				Agent.this.pendingReplay = clip;
				return;
			}
			apply(clip);
		}

		@Override
		public void synced(long latestSeq) {
			// the session starts at the newest clip when the agent starts, so anything
			// replayed was stored after that: missed during a reconnect, or copied while
			// this connection was being set up
			Clip newest = Agent.this.pendingReplay;
			Agent.this.pendingReplay = null;
			if (newest != null) {
				apply(newest);
			}
		}

		private void apply(Clip clip) {
			Agent.this.newestArrived.accumulateAndGet(clip.seq(), Math::max);
			String from = (clip.from() != null) ? Agent.this.names.getOrDefault(clip.from(), clip.from().toString())
					: "?";
			if (!Agent.this.settings.receiving()) {
				this.log.say("clip #" + clip.seq() + " from " + from + " not applied (" + Agent.this.settings.describe()
						+ ")");
				return;
			}
			if (clip.locked()) {
				this.log.say("clip #" + clip.seq() + " from " + from + " is locked (end-to-end encrypted with "
						+ "another passphrase, or e2e is off here): clipboard left alone");
				return;
			}
			String id = clip.id().toString();
			if (clip.blob() != null) {
				fetch(clip, from, id);
				return;
			}
			if (isPng(clip)) {
				applyImage(clip, from, clip.bytes());
				return;
			}
			if (!clip.isText()) {
				this.log.say("clip #" + clip.seq() + " from " + from + " is " + clip.mime()
						+ ": not applied (text, PNG images and files only)");
				return;
			}
			this.clipboard.apply(clip.text(), clip.sensitive(), id);
			this.log.say("applied clip #" + clip.seq() + " from " + from + " (" + clip.text().length() + " chars"
					+ (clip.sensitive()
							? ", sensitive: cleared in " + Agent.this.options.sensitiveTtl().toSeconds() + " s" : "")
					+ ")");
			if (clip.sensitive()) {
				Agent.this.timers.schedule(() -> {
					if (id.equals(this.clipboard.holding())) {
						this.clipboard.clearIfHolding(id);
						this.log.say("cleared sensitive clip #" + clip.seq() + " from the clipboard");
					}
				}, Agent.this.options.sensitiveTtl().toMillis(), TimeUnit.MILLISECONDS);
			}
		}

		private boolean isPng(Clip clip) {
			return clip.mime().split(";")[0].trim().equalsIgnoreCase("image/png");
		}

		/** Download a blob clip now if small enough, then put it on the clipboard. */
		private void fetch(Clip clip, String from, String id) {
			long limit = Agent.this.settings.fetchBelow();
			String what = clip.mime() + ", " + kib(clip.blob().size());
			if (clip.blob().size() > limit) {
				this.log.say("clip #" + clip.seq() + " from " + from + " is " + what + ", above the fetch limit ("
						+ kib(limit) + "): save it with 'clipsync paste --seq " + clip.seq() + " -o PATH'");
				return;
			}
			Agent.this.transfers.execute(() -> {
				try {
					Path folder = received();
					Path file = folder.resolve("clip-" + clip.seq() + extension(clip.mime()));
					Agent.this.client.download(clip, file, Progress.NONE);
					if (clip.seq() < Agent.this.newestArrived.get()) {
						this.log.say("clip #" + clip.seq() + " fetched, but a newer clip came meanwhile: not applied");
						return;
					}
					if (isPng(clip)) {
						applyImage(clip, from, Files.readAllBytes(file));
						Files.deleteIfExists(file);
					}
					else if (this.clipboard.applyFiles(List.of(file), id)) {
						this.log.say("applied clip #" + clip.seq() + " from " + from + " as a file (" + what + ", "
								+ file + ")");
					}
					else {
						this.log.say("clip #" + clip.seq() + " from " + from + " saved to " + file
								+ " (this clipboard takes no files)");
					}
				}
				catch (IOException | RuntimeException ex) {
					this.log.say("clip #" + clip.seq() + " from " + from + " (" + what + ") not fetched: "
							+ ex.getMessage());
				}
			});
		}

		private void applyImage(Clip clip, String from, byte[] png) {
			if (this.clipboard.applyImage(png, clip.id().toString())) {
				this.log.say("applied clip #" + clip.seq() + " from " + from + " (image/png, " + kib(png.length) + ")");
			}
			else {
				this.log.say("clip #" + clip.seq() + " from " + from + " is an image: not applied (this clipboard "
						+ "takes text only); save it with 'clipsync paste --seq " + clip.seq() + " -o PATH'");
			}
		}

		@Override
		public void presence(List<DevicePresence> devices) {
			devices.forEach((device) -> {
				if (device.name() != null) {
					Agent.this.names.put(device.deviceId(), device.name());
				}
			});
		}

		@Override
		public void state(SyncSession.State state, String detail) {
			switch (state) {
				case CONNECTED -> this.log.say("connected (" + detail + ")");
				case CONNECTING, RECONNECTING -> this.log.say("reconnecting: " + detail);
				case SIGNED_OUT -> {
					this.log.say("signed out: " + detail);
					this.signedOut.countDown();
				}
				case CLOSED -> this.log.say("closed");
			}
		}

	}

}
