package dev.clipsync.gateway.blobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.clipsync.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes blobs that no clip refers to any more (their last clip was deleted, cleared,
 * retired by retention, or its account deleted), and uploads never referred to within
 * {@code clipsync.blobs.unreferenced-ttl}. Every gateway runs it; they skip each other's
 * rows.
 */
@Component
class BlobRetention {

	private static final Logger logger = LoggerFactory.getLogger(BlobRetention.class);

	/** A blob just attached may not have its clip committed yet. */
	private static final Duration ATTACH_GRACE = Duration.ofMinutes(1);

	private final BlobStore store;

	private final Duration unreferencedTtl;

	private final Clock clock;

	BlobRetention(BlobStore store, GatewayProperties properties, Clock clock) {
		this.store = store;
		this.unreferencedTtl = properties.blobs().unreferencedTtl();
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
	void deleteUnreferenced() {
		Instant now = this.clock.instant();
		try {
			int deleted = this.store.deleteUnreferenced(now.minus(ATTACH_GRACE), now.minus(this.unreferencedTtl));
			if (deleted > 0) {
				logger.debug("Deleted {} blobs no clip refers to", deleted);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Blob retention failed, will retry: {}", ex.toString());
		}
	}

}
