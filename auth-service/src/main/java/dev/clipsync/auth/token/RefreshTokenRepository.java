package dev.clipsync.auth.token;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code refresh_tokens} table. */
@Repository
class RefreshTokenRepository {

	private final JdbcClient jdbc;

	RefreshTokenRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Store a new token, neither used nor revoked. */
	void insert(RefreshToken token) {
		this.jdbc
			.sql("""
					insert into refresh_tokens (id, token_hash, device_id, issued_at, expires_at, generation, session_started_at)
					values (?, ?, ?, ?, ?, ?, ?)""")
			.params(token.id(), token.tokenHash(), token.deviceId(), Timestamp.from(token.issuedAt()),
					Timestamp.from(token.expiresAt()), token.generation(), Timestamp.from(token.sessionStartedAt()))
			.update();
	}

	Optional<RefreshToken> findByTokenHash(byte[] tokenHash) {
		return this.jdbc
			.sql("""
					select id, token_hash, device_id, issued_at, expires_at, used_at, revoked_at, generation, session_started_at
					from refresh_tokens where token_hash = ?""")
			.param(tokenHash)
			.query(RefreshTokenRepository::token)
			.optional();
	}

	/** Marks the token used, unless it already was: 0 rows means someone else used it. */
	int markUsed(UUID id, Instant now) {
		return this.jdbc.sql("update refresh_tokens set used_at = ? where id = ? and used_at is null")
			.params(Timestamp.from(now), id)
			.update();
	}

	int revokeForDevices(Collection<UUID> deviceIds, Instant now) {
		return this.jdbc
			.sql("update refresh_tokens set revoked_at = :now where device_id in (:deviceIds) and revoked_at is null")
			.param("now", Timestamp.from(now))
			.param("deviceIds", deviceIds)
			.update();
	}

	int deleteExpiredBefore(Instant before) {
		return this.jdbc.sql("delete from refresh_tokens where expires_at < ?").param(Timestamp.from(before)).update();
	}

	private static RefreshToken token(ResultSet rs, int row) throws SQLException {
		return new RefreshToken(rs.getObject("id", UUID.class), rs.getBytes("token_hash"),
				rs.getObject("device_id", UUID.class), rs.getTimestamp("issued_at").toInstant(),
				rs.getTimestamp("expires_at").toInstant(), instant(rs.getTimestamp("used_at")),
				instant(rs.getTimestamp("revoked_at")), rs.getLong("generation"),
				rs.getTimestamp("session_started_at").toInstant());
	}

	private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
