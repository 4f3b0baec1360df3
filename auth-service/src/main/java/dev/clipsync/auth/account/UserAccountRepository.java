package dev.clipsync.auth.account;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface UserAccountRepository extends JpaRepository<UserAccount, UUID> {

	Optional<UserAccount> findByEmailKey(String emailKey);

	boolean existsByEmailKey(String emailKey);

}
