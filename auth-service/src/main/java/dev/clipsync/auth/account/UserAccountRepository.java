package dev.clipsync.auth.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code users} table. */
@Repository
class UserAccountRepository {

	private static final String COLUMNS = "id, email, email_key, email_skeleton, display_name, password_hash, created_at, password_changed_at";

	private final JdbcClient jdbc;

	UserAccountRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Store a new account.
	 * @param account the account
	 * @throws org.springframework.dao.DuplicateKeyException when its email key or
	 * skeleton is taken
	 */
	void insert(UserAccount account) {
		this.jdbc.sql("insert into users (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?)")
			.params(account.id(), account.email(), account.emailKey(), account.emailSkeleton(), account.displayName(),
					account.passwordHash(), Timestamp.from(account.createdAt()),
					Timestamp.from(account.passwordChangedAt()))
			.update();
	}

	Optional<UserAccount> findById(UUID id) {
		return this.jdbc.sql("select " + COLUMNS + " from users where id = ?")
			.param(id)
			.query(UserAccountRepository::account)
			.optional();
	}

	Optional<UserAccount> findByEmailKey(String emailKey) {
		return this.jdbc.sql("select " + COLUMNS + " from users where email_key = ?")
			.param(emailKey)
			.query(UserAccountRepository::account)
			.optional();
	}

	boolean existsByEmailKeyOrEmailSkeleton(String emailKey, String emailSkeleton) {
		return this.jdbc.sql("select exists (select 1 from users where email_key = ? or email_skeleton = ?)")
			.params(emailKey, emailSkeleton)
			.query(Boolean.class)
			.single();
	}

	/** The account, locked against changes until the transaction ends (FOR UPDATE). */
	Optional<UserAccount> lockById(UUID id) {
		return this.jdbc.sql("select " + COLUMNS + " from users where id = ? for update")
			.param(id)
			.query(UserAccountRepository::account)
			.optional();
	}

	/**
	 * The account, locked against changes but not against other readers until the
	 * transaction ends (FOR SHARE): many logins of one user proceed together, a password
	 * change waits for them.
	 */
	Optional<UserAccount> lockSharedById(UUID id) {
		return this.jdbc.sql("select " + COLUMNS + " from users where id = ? for share")
			.param(id)
			.query(UserAccountRepository::account)
			.optional();
	}

	void changePassword(UUID id, String passwordHash, Instant now) {
		this.jdbc.sql("update users set password_hash = ?, password_changed_at = ? where id = ?")
			.params(passwordHash, Timestamp.from(now), id)
			.update();
	}

	List<UserAccount> withoutSkeleton() {
		return this.jdbc.sql("select " + COLUMNS + " from users where email_skeleton is null")
			.query(UserAccountRepository::account)
			.list();
	}

	/**
	 * Set the skeleton of an account.
	 * @throws org.springframework.dao.DuplicateKeyException when another account has it
	 */
	void setSkeleton(UUID id, String skeleton) {
		this.jdbc.sql("update users set email_skeleton = ? where id = ?").params(skeleton, id).update();
	}

	/**
	 * Delete the account; its devices and refresh tokens go with it (ON DELETE CASCADE).
	 */
	void delete(UUID id) {
		this.jdbc.sql("delete from users where id = ?").param(id).update();
	}

	private static UserAccount account(ResultSet rs, int row) throws SQLException {
		return new UserAccount(rs.getObject("id", UUID.class), rs.getString("email"), rs.getString("email_key"),
				rs.getString("email_skeleton"), rs.getString("display_name"), rs.getString("password_hash"),
				rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("password_changed_at").toInstant());
	}

}
