package dev.clipsync.auth.signout;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.clipsync.auth.AuthProperties;
import dev.clipsync.common.redis.RedisNames;
import dev.clipsync.common.token.DeviceDenyList;
import dev.clipsync.common.wire.SignOut;
import dev.clipsync.common.wire.UserChannelCodec;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Ends devices' sessions everywhere, not just in this service's database. Access tokens
 * are verified without asking us, so for each device a deny entry refuses its current
 * tokens, and a {@link SignOut} on the user's channel tells gateways to close its sockets
 * now.
 * <p>
 * Called inside the transaction that revokes the refresh tokens: the deny entries are
 * written first, so if Redis is down the whole change rolls back and the client may
 * retry; the message is published only once the change is committed.
 */
@Component
public class DeviceSignOut {

	private static final Logger logger = LoggerFactory.getLogger(DeviceSignOut.class);

	private static final long ACCOUNT_EVENTS_KEPT = 100_000;

	private final StringRedisTemplate redis;

	private final RedisNames names;

	private final DeviceDenyList denyList;

	private final UserChannelCodec codec;

	private final Duration denyFor;

	private final Clock clock;

	private final MeterRegistry meters;

	DeviceSignOut(StringRedisTemplate redis, RedisNames names, DeviceDenyList denyList, UserChannelCodec codec,
			AuthProperties properties, Clock clock, MeterRegistry meters) {
		this.redis = redis;
		this.names = names;
		this.denyList = denyList;
		this.codec = codec;
		// Outlive the longest-lived access token, with room for clock skew.
		this.denyFor = properties.tokens().accessTokenLifetime().plusMinutes(1);
		this.clock = clock;
		this.meters = meters;
	}

	/**
	 * Sign these devices of the user out everywhere: each device's tokens of a generation
	 * below the given one are refused from now on.
	 * @param userId the user
	 * @param refusedBelow for each device, the oldest generation still honoured; nothing
	 * happens when empty
	 * @param reason why, for gateways and clients
	 */
	public void signOut(UUID userId, Map<UUID, Long> refusedBelow, SignOut.Reason reason) {
		if (refusedBelow.isEmpty()) {
			return;
		}
		refusedBelow.forEach((deviceId, generation) -> this.denyList.deny(userId, deviceId, generation, this.denyFor));
		publishSignOut(userId, refusedBelow.keySet(), reason);
	}

	/**
	 * Sign these devices out for good: every token they hold or will be issued before the
	 * deny entries expire is refused. For devices that are about to disappear.
	 * @param userId the user
	 * @param deviceIds the devices
	 * @param reason why
	 */
	public void signOutForGood(UUID userId, Collection<UUID> deviceIds, SignOut.Reason reason) {
		if (deviceIds.isEmpty()) {
			return;
		}
		for (UUID deviceId : deviceIds) {
			this.denyList.denyAll(userId, deviceId, this.denyFor);
		}
		publishSignOut(userId, deviceIds, reason);
	}

	private void publishSignOut(UUID userId, Collection<UUID> deviceIds, SignOut.Reason reason) {
		this.meters.counter("clipsync.auth.signouts", "reason", reason.name().toLowerCase(Locale.ROOT))
			.increment(deviceIds.size());
		String message = this.codec.encode(new SignOut(reason, List.copyOf(deviceIds), this.clock.instant()));
		String channel = this.names.userChannel(userId);
		afterCommit(() -> publish(channel, message));
	}

	/**
	 * Announce that an account is gone, on the durable account-event stream, so services
	 * holding the user's data (clips) delete it even if they are down right now.
	 * @param userId the deleted user
	 */
	public void announceAccountDeleted(UUID userId) {
		announce(Map.of("type", "account_deleted", "userId", userId.toString(), "at", this.clock.instant().toString()));
	}

	/**
	 * Announce that a device is revoked for good, on the same durable stream, so services
	 * that list devices (presence) drop it.
	 * @param userId the owner
	 * @param deviceId the revoked device
	 */
	public void announceDeviceRevoked(UUID userId, UUID deviceId) {
		announce(Map.of("type", "device_revoked", "userId", userId.toString(), "deviceId", deviceId.toString(), "at",
				this.clock.instant().toString()));
	}

	private void announce(Map<String, String> event) {
		this.redis.opsForStream().add(StreamRecords.string(event).withStreamKey(this.names.accountEvents()));
		this.redis.opsForStream().trim(this.names.accountEvents(), ACCOUNT_EVENTS_KEPT, true);
	}

	private void publish(String channel, String message) {
		try {
			this.redis.convertAndSend(channel, message);
		}
		catch (RuntimeException ex) {
			// The deny entries still refuse the devices' tokens at their next use.
			logger.warn("Could not publish sign-out on {}: {}", channel, ex.toString());
		}
	}

	private static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					action.run();
				}
			});
		}
		else {
			action.run();
		}
	}

}
