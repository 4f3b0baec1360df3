package dev.clipsync.gateway.drain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.clipsync.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * Leaves without a stampede. On shutdown (SIGTERM) the gateway reports itself not ready,
 * refuses new connections, and closes the open ones with 1012 (service restart) spread
 * evenly over {@code clipsync.drain.window}, so clients reconnect to other gateways a few
 * at a time instead of all at once. Runs before the web server stops.
 */
@Component
public class DrainOnShutdown implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(DrainOnShutdown.class);

	private final ApplicationEventPublisher events;

	private final Duration window;

	private volatile Supplier<List<Consumer<CloseStatus>>> openConnections = List::of;

	private volatile boolean accepting = true;

	private volatile boolean running;

	DrainOnShutdown(ApplicationEventPublisher events, GatewayProperties properties) {
		this.events = events;
		this.window = properties.drain().window();
	}

	/**
	 * @param openConnections how to close each open connection when draining
	 */
	public void drains(Supplier<List<Consumer<CloseStatus>>> openConnections) {
		this.openConnections = openConnections;
	}

	public boolean isAccepting() {
		return this.accepting;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.accepting = false;
		AvailabilityChangeEvent.publish(this.events, this, ReadinessState.REFUSING_TRAFFIC);
		List<Consumer<CloseStatus>> connections = new ArrayList<>(this.openConnections.get());
		Collections.shuffle(connections);
		logger.info("Draining: closing {} connections over {}", connections.size(), this.window);
		long pauseNanos = connections.isEmpty() ? 0 : this.window.toNanos() / connections.size();
		for (Consumer<CloseStatus> connection : connections) {
			connection.accept(CloseStatus.SERVICE_RESTARTED.withReason("server restarting; reconnect elsewhere"));
			sleepNanos(pauseNanos);
		}
		this.running = false;
	}

	private static void sleepNanos(long nanos) {
		if (nanos <= 0) {
			return;
		}
		try {
			Thread.sleep(Duration.ofNanos(nanos));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops first, while the web server, Redis and the database still serve. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
