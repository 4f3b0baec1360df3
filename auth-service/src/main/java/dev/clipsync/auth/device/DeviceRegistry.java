package dev.clipsync.auth.device;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.auth.signout.DeviceSignOut;
import dev.clipsync.auth.token.RefreshTokens;
import dev.clipsync.common.web.ActiveDevices;
import dev.clipsync.common.wire.SignOut;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The devices of every user: registered at login, listed, revoked.
 * <p>
 * Whatever issues tokens for a device or ends its session holds the device's row lock
 * ({@link #lock}, {@link #lockActive}) for the whole decision, so a sign-out and a
 * refresh or login of the same device never interleave: either the sign-out sees the new
 * tokens and ends them, or the refresh sees the sign-out and refuses. Lock order
 * everywhere: the user's row first (where the password matters), then devices in id
 * order.
 */
@Service
public class DeviceRegistry implements ActiveDevices {

	private final DeviceRepository repository;

	private final RefreshTokens refreshTokens;

	private final DeviceSignOut signOut;

	private final Clock clock;

	DeviceRegistry(DeviceRepository repository, RefreshTokens refreshTokens, DeviceSignOut signOut, Clock clock) {
		this.repository = repository;
		this.refreshTokens = refreshTokens;
		this.signOut = signOut;
		this.clock = clock;
	}

	@Override
	@Transactional(readOnly = true)
	public boolean isActive(UUID userId, UUID deviceId) {
		return this.repository.existsActive(deviceId, userId);
	}

	/**
	 * Register a new device of the user.
	 * @param userId the owner
	 * @param name what the user calls it
	 * @param platform what it runs
	 * @return the device
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Device register(UUID userId, String name, String platform) {
		Device device = Device.create(userId, name, platform, this.clock.instant());
		this.repository.insert(device);
		return device;
	}

	/**
	 * The device with its row locked until the surrounding transaction ends.
	 * @param deviceId the device
	 * @return the device, revoked or not; empty when unknown
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<Device> lock(UUID deviceId) {
		return this.repository.lockById(deviceId);
	}

	/**
	 * The user's active devices, their rows locked until the surrounding transaction
	 * ends.
	 * @param userId the owner
	 * @return the devices, in id order
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public List<Device> lockActive(UUID userId) {
		return this.repository.lockActiveByUserId(userId);
	}

	@Transactional(readOnly = true)
	public List<Device> listActive(UUID userId) {
		return this.repository.findActiveByUserIdOrderByCreatedAt(userId);
	}

	/**
	 * Record that a locked device was used now.
	 * @param device the device, locked
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void seen(Device device) {
		this.repository.setLastSeenAt(device.id(), this.clock.instant());
	}

	/**
	 * Move a locked device past a generation the deny list already refuses: a sign-out
	 * whose deny entry was written but whose transaction did not commit must not leave
	 * the device with tokens that are refused as soon as they are issued.
	 * @param device the device, locked
	 * @param refusedBelow the oldest generation the deny list honours
	 * @return the device as it is now
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Device catchUp(Device device, long refusedBelow) {
		if (refusedBelow <= device.generation() || refusedBelow == Long.MAX_VALUE) {
			return device;
		}
		this.repository.setGeneration(device.id(), refusedBelow);
		return device.withGeneration(refusedBelow);
	}

	/**
	 * End the sessions of locked devices of one user: a new generation each, so their
	 * refresh tokens are dead and their access tokens refused everywhere.
	 * @param userId the owner
	 * @param locked the devices, locked in this transaction
	 * @param reason why, for gateways and clients
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void endSessions(UUID userId, List<Device> locked, SignOut.Reason reason) {
		if (locked.isEmpty()) {
			return;
		}
		// every token issued so far is of an older generation now
		Map<UUID, Long> refusedBelow = new LinkedHashMap<>();
		for (Device device : locked) {
			long next = device.generation() + 1;
			this.repository.setGeneration(device.id(), next);
			refusedBelow.put(device.id(), next);
		}
		this.refreshTokens.revokeForDevices(refusedBelow.keySet());
		this.signOut.signOut(userId, refusedBelow, reason);
	}

	/**
	 * Revoke one of the user's devices: it can never log in or refresh again, its tokens
	 * are refused and its live connections closed.
	 * @param userId the owner
	 * @param deviceId the device
	 * @return whether such an active device existed
	 */
	@Transactional
	public boolean revoke(UUID userId, UUID deviceId) {
		Optional<Device> device = lock(deviceId).filter((d) -> d.userId().equals(userId) && d.isActive());
		device.ifPresent((d) -> {
			this.repository.setRevokedAt(d.id(), this.clock.instant());
			endSessions(userId, List.of(d), SignOut.Reason.DEVICE_REVOKED);
			this.signOut.announceDeviceRevoked(userId, deviceId);
		});
		return device.isPresent();
	}

}
