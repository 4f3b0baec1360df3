package dev.clipsync.gateway.clips;

import java.time.Clock;
import java.time.Duration;

import dev.clipsync.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes clips past their maximum age. Every gateway runs it; they never block each
 * other (rows another gateway is deleting are skipped) and deleting twice is harmless.
 * The per-user count limit is kept at every push instead.
 */
@Component
class ClipRetention {

	private static final Logger logger = LoggerFactory.getLogger(ClipRetention.class);

	private static final int BATCH = 1000;

	private final ClipStore store;

	private final Duration maxAge;

	private final Duration sensitiveTtl;

	private final Clock clock;

	ClipRetention(ClipStore store, GatewayProperties properties, Clock clock) {
		this.store = store;
		this.maxAge = properties.clips().maxAge();
		this.sensitiveTtl = properties.clips().sensitiveTtl();
		this.clock = clock;
	}

	/** Often, so a sensitive clip outlives its time by a few seconds at most. */
	@Scheduled(fixedDelayString = "PT5S", initialDelayString = "PT5S")
	void deleteExpiredSensitive() {
		try {
			int deleted = this.store.deleteSensitiveOlderThan(this.clock.instant().minus(this.sensitiveTtl));
			if (deleted > 0) {
				logger.debug("Deleted {} sensitive clips older than {}", deleted, this.sensitiveTtl);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Deleting expired sensitive clips failed, will retry: {}", ex.toString());
		}
	}

	@Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
	void deleteExpired() {
		int deleted = 0;
		int batch;
		try {
			do {
				batch = this.store.deleteOlderThan(this.clock.instant().minus(this.maxAge), BATCH);
				deleted += batch;
			}
			while (batch == BATCH);
		}
		catch (RuntimeException ex) {
			logger.warn("Clip retention failed, will retry: {}", ex.toString());
		}
		if (deleted > 0) {
			logger.info("Deleted {} clips older than {}", deleted, this.maxAge);
		}
	}

}
