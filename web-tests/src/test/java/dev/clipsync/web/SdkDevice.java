package dev.clipsync.web;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.clipsync.client.Clip;
import dev.clipsync.client.ClipSync;
import dev.clipsync.client.Draft;
import dev.clipsync.client.SyncListener;
import dev.clipsync.client.SyncSession;
import dev.clipsync.client.profile.Profile;
import org.awaitility.Awaitility;

/**
 * Another device of the account, played by the Java SDK exactly as the CLI and the
 * desktop agent use it: its own profile, a live session with reconnect, resume and
 * end-to-end encryption.
 */
final class SdkDevice implements AutoCloseable {

	final ClipSync client;

	volatile SyncSession session;

	private final Listener listener = new Listener();

	private final Duration wait;

	private SdkDevice(ClipSync client, Duration wait) {
		this.client = client;
		this.wait = wait;
	}

	/**
	 * Signs a new device in and waits until its session is caught up.
	 * @param passphrase the account's end-to-end passphrase, or {@code null} for none
	 */
	static SdkDevice signIn(Path profiles, String origin, String email, String password, String name, String passphrase,
			Duration wait) {
		ClipSync client = ClipSync.login(Profile.open(profiles, name.replaceAll("[^A-Za-z0-9-]", "-")),
				URI.create(origin), email, password, name, "linux");
		if (passphrase != null) {
			client.enableE2e(passphrase);
		}
		SdkDevice device = new SdkDevice(client, wait);
		device.session = client.connect(device.listener, false);
		Awaitility.await()
			.atMost(wait)
			.until(() -> device.session.state() == SyncSession.State.CONNECTED && device.listener.synced);
		return device;
	}

	/** Pushes and waits for the ack; the clip's seq. */
	long push(Draft draft) throws Exception {
		UUID id = this.session.push(draft);
		return this.session.acked(id).get(this.wait.toMillis(), TimeUnit.MILLISECONDS).seq();
	}

	/** The next clip from another device, decrypted when this device holds the key. */
	Clip nextClip() throws InterruptedException {
		Clip clip = this.listener.clips.poll(this.wait.toMillis(), TimeUnit.MILLISECONDS);
		if (clip == null) {
			throw new AssertionError("no clip arrived; the session went through " + this.listener.states);
		}
		return clip;
	}

	/** What the session reported about its state, oldest first ("SIGNED_OUT: why"). */
	List<String> states() {
		return this.listener.states;
	}

	@Override
	public void close() {
		this.session.close();
	}

	private static final class Listener implements SyncListener {

		final BlockingQueue<Clip> clips = new LinkedBlockingQueue<>();

		final List<String> states = new CopyOnWriteArrayList<>();

		volatile boolean synced;

		@Override
		public void clip(Clip clip, boolean replayed) {
			this.clips.add(clip);
		}

		@Override
		public void synced(long latestSeq) {
			this.synced = true;
		}

		@Override
		public void state(SyncSession.State state, String detail) {
			this.states.add(state + ": " + detail);
		}

	}

}
