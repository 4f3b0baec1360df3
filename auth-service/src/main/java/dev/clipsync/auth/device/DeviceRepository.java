package dev.clipsync.auth.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code devices} table. */
@Repository
class DeviceRepository {

	private static final String COLUMNS = "id, user_id, name, platform, created_at, last_seen_at, revoked_at, generation";

	private final JdbcClient jdbc;

	DeviceRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Store a new device, never revoked. */
	void insert(Device device) {
		this.jdbc.sql("""
				insert into devices (id, user_id, name, platform, created_at, last_seen_at, generation)
				values (?, ?, ?, ?, ?, ?, ?)""")
			.params(device.id(), device.userId(), device.name(), device.platform(), Timestamp.from(device.createdAt()),
					Timestamp.from(device.lastSeenAt()), device.generation())
			.update();
	}

	List<Device> findActiveByUserIdOrderByCreatedAt(UUID userId) {
		return this.jdbc
			.sql("select " + COLUMNS + " from devices where user_id = ? and revoked_at is null order by created_at")
			.param(userId)
			.query(DeviceRepository::device)
			.list();
	}

	boolean existsActive(UUID id, UUID userId) {
		return this.jdbc
			.sql("select exists (select 1 from devices where id = ? and user_id = ? and revoked_at is null)")
			.params(id, userId)
			.query(Boolean.class)
			.single();
	}

	/** The device, its row locked until the transaction ends (SELECT ... FOR UPDATE). */
	Optional<Device> lockById(UUID id) {
		return this.jdbc.sql("select " + COLUMNS + " from devices where id = ? for update")
			.param(id)
			.query(DeviceRepository::device)
			.optional();
	}

	/** The user's active devices, locked in id order so that lockers never deadlock. */
	List<Device> lockActiveByUserId(UUID userId) {
		return this.jdbc
			.sql("select " + COLUMNS + " from devices where user_id = ? and revoked_at is null order by id for update")
			.param(userId)
			.query(DeviceRepository::device)
			.list();
	}

	void setLastSeenAt(UUID id, Instant now) {
		this.jdbc.sql("update devices set last_seen_at = ? where id = ?").params(Timestamp.from(now), id).update();
	}

	void setGeneration(UUID id, long generation) {
		this.jdbc.sql("update devices set generation = ? where id = ?").params(generation, id).update();
	}

	void setRevokedAt(UUID id, Instant now) {
		this.jdbc.sql("update devices set revoked_at = ? where id = ?").params(Timestamp.from(now), id).update();
	}

	private static Device device(ResultSet rs, int row) throws SQLException {
		return new Device(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("name"),
				rs.getString("platform"), rs.getTimestamp("created_at").toInstant(),
				rs.getTimestamp("last_seen_at").toInstant(), instant(rs.getTimestamp("revoked_at")),
				rs.getLong("generation"));
	}

	private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
