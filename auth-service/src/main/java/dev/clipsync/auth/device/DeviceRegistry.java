package dev.clipsync.auth.device;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.auth.signout.DeviceSignOut;
import dev.clipsync.common.web.ActiveDevices;
import dev.clipsync.common.wire.SignOut;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The devices of every user: registered at login, listed, revoked.
 */
@Service
public class DeviceRegistry implements ActiveDevices {

	private final DeviceRepository repository;

	private final DeviceSignOut signOut;

	private final Clock clock;

	DeviceRegistry(DeviceRepository repository, DeviceSignOut signOut, Clock clock) {
		this.repository = repository;
		this.signOut = signOut;
		this.clock = clock;
	}

	@Override
	@Transactional(readOnly = true)
	public boolean isActive(UUID userId, UUID deviceId) {
		return this.repository.existsByIdAndUserIdAndRevokedAtIsNull(deviceId, userId);
	}

	/**
	 * Register a new device of the user.
	 * @param userId the owner
	 * @param name what the user calls it
	 * @param platform what it runs
	 * @return the device
	 */
	@Transactional
	public Device register(UUID userId, String name, String platform) {
		return this.repository.save(new Device(userId, name, platform, this.clock.instant()));
	}

	/**
	 * An active device of this user.
	 * @param userId the owner
	 * @param deviceId the device
	 * @return the device, or empty when it is unknown, another user's, or revoked
	 */
	@Transactional(readOnly = true)
	public Optional<Device> findActive(UUID userId, UUID deviceId) {
		return this.repository.findById(deviceId).filter((d) -> d.userId().equals(userId) && d.isActive());
	}

	@Transactional(readOnly = true)
	public Optional<Device> find(UUID deviceId) {
		return this.repository.findById(deviceId);
	}

	@Transactional(readOnly = true)
	public List<Device> listActive(UUID userId) {
		return this.repository.findByUserIdAndRevokedAtIsNullOrderByCreatedAt(userId);
	}

	/**
	 * Record that the device was used now.
	 * @param device the device
	 */
	@Transactional
	public void seen(Device device) {
		device.seen(this.clock.instant());
		this.repository.save(device);
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
		Optional<Device> device = findActive(userId, deviceId);
		device.ifPresent((d) -> {
			d.revoke(this.clock.instant());
			this.signOut.signOut(userId, List.of(deviceId), SignOut.Reason.DEVICE_REVOKED);
			this.signOut.announceDeviceRevoked(userId, deviceId);
		});
		return device.isPresent();
	}

}
