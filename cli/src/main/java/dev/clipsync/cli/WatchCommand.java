package dev.clipsync.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clipsync.client.Clip;
import dev.clipsync.client.ClipSync;
import dev.clipsync.client.DevicePresence;
import dev.clipsync.client.SyncListener;
import dev.clipsync.client.SyncSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "watch",
		description = { "Print clips as they arrive, until Ctrl-C.",
				"Text by default; with --json one JSON object per line, for scripts.",
				"Status (connected, reconnecting, signed out) goes to standard error." })
final class WatchCommand extends Base {

	@Option(names = "--resume",
			description = "Start where the last 'watch --resume' of this profile stopped, instead of now.")
	boolean resume;

	@Option(names = "--count", description = "Stop after this many clips.")
	int count;

	@Override
	public Integer call() throws InterruptedException {
		ClipSync client = client();
		Map<java.util.UUID, String> names = new ConcurrentHashMap<>();
		CountDownLatch done = new CountDownLatch(1);
		AtomicInteger shown = new AtomicInteger();
		int[] exit = { Exit.OK };
		SyncListener listener = new SyncListener() {
			@Override
			public void clip(Clip clip, boolean replayed) {
				ClipView view = ClipView.of(clip, (clip.from() != null) ? names.get(clip.from()) : null);
				if (json()) {
					printJson(view);
				}
				else {
					out().println(view.line(100));
					out().flush();
				}
				if (WatchCommand.this.count > 0 && shown.incrementAndGet() >= WatchCommand.this.count) {
					done.countDown();
				}
			}

			@Override
			public void presence(List<DevicePresence> devices) {
				devices.forEach((device) -> {
					if (device.name() != null) {
						names.put(device.deviceId(), device.name());
					}
				});
			}

			@Override
			public void state(SyncSession.State state, String detail) {
				err().println("clipsync: " + switch (state) {
					case CONNECTED -> "watching (" + detail + ")";
					case SIGNED_OUT -> "signed out: " + detail;
					default -> detail;
				});
				err().flush();
				if (state == SyncSession.State.SIGNED_OUT) {
					exit[0] = Exit.AUTH;
					done.countDown();
				}
			}
		};
		try (SyncSession session = client.connect(listener, this.resume)) {
			Runtime.getRuntime().addShutdownHook(new Thread(session::close));
			done.await();
		}
		return exit[0];
	}

}
