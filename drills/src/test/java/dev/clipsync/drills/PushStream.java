package dev.clipsync.drills;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * A steady stream of pushes, taken in turn by the pushing devices, at a fixed total rate;
 * it remembers which clips were pushed in which drill.
 */
final class PushStream {

	private final List<DrillDevice> pushers;

	private final Duration interval;

	private final Map<String, List<Pushed>> byDrill = new ConcurrentHashMap<>();

	private volatile @Nullable Thread running;

	private volatile boolean on;

	PushStream(List<DrillDevice> pushers, int perSecond) {
		this.pushers = List.copyOf(pushers);
		this.interval = Duration.ofNanos(1_000_000_000L / perSecond);
	}

	/** A clip pushed by a device in a drill. */
	record Pushed(DrillDevice by, UUID id) {
	}

	/** Push steadily for the named drill until {@link #stop()}. */
	void start(String drill) {
		List<Pushed> pushed = this.byDrill.computeIfAbsent(drill, (name) -> new ArrayList<>());
		this.on = true;
		this.running = Thread.ofVirtual().name("push-stream").start(() -> {
			long next = System.nanoTime();
			int turn = 0;
			while (this.on) {
				DrillDevice pusher = this.pushers.get(turn % this.pushers.size());
				UUID id = pusher.push(drill + " #" + turn + " from " + pusher.name);
				synchronized (pushed) {
					pushed.add(new Pushed(pusher, id));
				}
				turn++;
				next += this.interval.toNanos();
				long wait = next - System.nanoTime();
				if (wait > 0) {
					try {
						Thread.sleep(Duration.ofNanos(wait));
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}
		});
	}

	/** One more clip, outside the steady rhythm (a large one, say). */
	void pushOnce(String drill, DrillDevice by, String data) {
		List<Pushed> pushed = this.byDrill.computeIfAbsent(drill, (name) -> new ArrayList<>());
		UUID id = by.push(data);
		synchronized (pushed) {
			pushed.add(new Pushed(by, id));
		}
	}

	/**
	 * No new clips from now on; those not yet acked are still retried by their device.
	 */
	void stop() {
		this.on = false;
		Thread thread = this.running;
		if (thread != null) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	List<Pushed> pushed(String drill) {
		List<Pushed> pushed = this.byDrill.getOrDefault(drill, List.of());
		synchronized (pushed) {
			return List.copyOf(pushed);
		}
	}

}
