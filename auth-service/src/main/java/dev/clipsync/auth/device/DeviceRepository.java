package dev.clipsync.auth.device;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface DeviceRepository extends JpaRepository<Device, UUID> {

	List<Device> findByUserIdAndRevokedAtIsNullOrderByCreatedAt(UUID userId);

	boolean existsByIdAndUserIdAndRevokedAtIsNull(UUID id, UUID userId);

	/** The device, its row locked until the transaction ends (SELECT ... FOR UPDATE). */
	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select d from Device d where d.id = :id")
	Optional<Device> lockById(UUID id);

	/** The user's active devices, locked in id order so that lockers never deadlock. */
	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select d from Device d where d.userId = :userId and d.revokedAt is null order by d.id")
	List<Device> lockActiveByUserId(UUID userId);

}
