package dev.clipsync.auth.token;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface RefreshTokenRepository extends JpaRepository<RefreshToken, UUID> {

	Optional<RefreshToken> findByTokenHash(byte[] tokenHash);

	/** Marks the token used, unless it already was: 0 rows means someone else used it. */
	@Modifying
	@Query("update RefreshToken t set t.usedAt = :now where t.id = :id and t.usedAt is null")
	int markUsed(UUID id, Instant now);

	@Modifying
	@Query("update RefreshToken t set t.revokedAt = :now where t.deviceId in :deviceIds and t.revokedAt is null")
	int revokeForDevices(Collection<UUID> deviceIds, Instant now);

	@Modifying
	@Query("delete from RefreshToken t where t.expiresAt < :before")
	int deleteExpiredBefore(Instant before);

}
