package dev.clipsync.auth.account;

import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface UserAccountRepository extends JpaRepository<UserAccount, UUID> {

	Optional<UserAccount> findByEmailKey(String emailKey);

	boolean existsByEmailKey(String emailKey);

	/** The account, locked against changes until the transaction ends (FOR UPDATE). */
	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select u from UserAccount u where u.id = :id")
	Optional<UserAccount> lockById(UUID id);

	/**
	 * The account, locked against changes but not against other readers until the
	 * transaction ends (FOR SHARE): many logins of one user proceed together, a password
	 * change waits for them.
	 */
	@Lock(LockModeType.PESSIMISTIC_READ)
	@Query("select u from UserAccount u where u.id = :id")
	Optional<UserAccount> lockSharedById(UUID id);

}
