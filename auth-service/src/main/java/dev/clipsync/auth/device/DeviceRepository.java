package dev.clipsync.auth.device;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface DeviceRepository extends JpaRepository<Device, UUID> {

	List<Device> findByUserIdAndRevokedAtIsNullOrderByCreatedAt(UUID userId);

	boolean existsByIdAndUserIdAndRevokedAtIsNull(UUID id, UUID userId);

}
