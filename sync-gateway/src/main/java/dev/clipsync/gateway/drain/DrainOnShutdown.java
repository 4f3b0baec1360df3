package dev.clipsync.gateway.drain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
import org.springframework.web.socket.WebSocketSession;

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

	private volatile Supplier<List<WebSocketSession>> openSockets = List::of;

	private volatile boolean accepting = true;

	private volatile boolean running;

	DrainOnShutdown(ApplicationEventPublisher events, GatewayProperties properties) {
		this.events = events;
		this.window = properties.drain().window();
	}

	/**
	 * @param openSockets what to close when draining
	 */
	public void drains(Supplier<List<WebSocketSession>> openSockets) {
		this.openSockets = openSockets;
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
		List<WebSocketSession> sockets = new ArrayList<>(this.openSockets.get());
		Collections.shuffle(sockets);
		logger.info("Draining: closing {} connections over {}", sockets.size(), this.window);
		long pauseNanos = sockets.isEmpty() ? 0 : this.window.toNanos() / sockets.size();
		for (WebSocketSession socket : sockets) {
			try {
				socket.close(CloseStatus.SERVICE_RESTARTED.withReason("server restarting; reconnect elsewhere"));
			}
			catch (Exception ex) {
				logger.debug("Close during drain failed: {}", ex.toString());
			}
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
