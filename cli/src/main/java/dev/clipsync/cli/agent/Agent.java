package dev.clipsync.cli.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.clipsync.client.Clip;
import dev.clipsync.client.ClipSync;
import dev.clipsync.client.DevicePresence;
import dev.clipsync.client.Draft;
import dev.clipsync.client.SyncListener;
import dev.clipsync.client.SyncSession;
import dev.clipsync.client.profile.Profile;
import org.jspecify.annotations.Nullable;

/**
 * The desktop agent: pushes what the user copies, applies what the user's other devices
 * copy, and never pushes back a clip it applied (the clipboard backend attributes changes
 * by ownership, so a platform rewriting the bytes cannot cause a loop). Sensitive clips
 * are marked concealed and cleared after the TTL if still there; content a password
 * manager marks secret is not sent unless the user opted in.
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
		if (copied.text().isEmpty()) {
			return;
		}
		UUID id = session.push(Draft.text(copied.text()).sensitive(copied.concealed()));
		log.say("sent a copy (" + copied.text().length() + " chars" + (copied.concealed() ? ", sensitive" : "")
				+ ", id " + id + ")");
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
			if (!clip.isText()) {
				this.log
					.say("clip #" + clip.seq() + " from " + from + " is " + clip.mime() + ": not applied (text only)");
				return;
			}
			String id = clip.id().toString();
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
