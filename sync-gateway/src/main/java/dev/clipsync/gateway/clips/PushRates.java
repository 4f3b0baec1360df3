package dev.clipsync.gateway.clips;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.clipsync.gateway.GatewayProperties;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * One push budget per device, shared by its WebSocket connections and its REST pushes on
 * this gateway, so that a script cannot go around the limit a connection has. A device
 * idle for a minute is forgotten (its budget would be full again anyway).
 */
@Component
public class PushRates {

	private static final Duration FORGET_AFTER = Duration.ofMinutes(1);

	private final Map<UUID, Budget> byDevice = new ConcurrentHashMap<>();

	private final int perSecond;

	private final int burst;

	PushRates(GatewayProperties properties) {
		this.perSecond = properties.connections().pushesPerSecond();
		this.burst = properties.connections().pushBurst();
	}

	/**
	 * Take one push from the device's budget.
	 * @param deviceId the pushing device
	 * @return whether the push may proceed
	 */
	public boolean tryPush(UUID deviceId) {
		Budget budget = this.byDevice.computeIfAbsent(deviceId,
				(device) -> new Budget(Bucket.builder()
					.addLimit(Bandwidth.builder()
						.capacity(this.burst)
						.refillGreedy(this.perSecond, Duration.ofSeconds(1))
						.build())
					.build()));
		budget.lastUsed = System.nanoTime();
		return budget.bucket.tryConsume(1);
	}

	public int perSecond() {
		return this.perSecond;
	}

	@Scheduled(fixedDelayString = "PT30S")
	void forgetIdle() {
		long now = System.nanoTime();
		this.byDevice.values().removeIf((budget) -> now - budget.lastUsed > FORGET_AFTER.toNanos());
	}

	private static final class Budget {

		private final Bucket bucket;

		private volatile long lastUsed;

		Budget(Bucket bucket) {
			this.bucket = bucket;
		}

	}

}
