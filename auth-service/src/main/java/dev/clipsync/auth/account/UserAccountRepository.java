package dev.clipsync.auth.account;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface UserAccountRepository extends JpaRepository<UserAccount, UUID> {

	Optional<UserAccount> findByEmailKey(String emailKey);

	boolean existsByEmailKeyOrEmailSkeleton(String emailKey, String emailSkeleton);

	@Modifying
	@Query("update UserAccount u set u.emailSkeleton = :skeleton where u.id = :id")
	int setSkeleton(UUID id, String skeleton);

	@Query("select u.id, u.email from UserAccount u where u.emailSkeleton is null")
	List<Object[]> withoutSkeleton();

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
