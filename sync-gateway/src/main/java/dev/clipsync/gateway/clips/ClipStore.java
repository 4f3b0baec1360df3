package dev.clipsync.gateway.clips;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.clipsync.common.wire.BlobRef;
import dev.clipsync.gateway.GatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Each user's clips in PostgreSQL. A push commits before it is acked or published, in a
 * transaction it may share with other users' pushes ({@link GroupCommit}); the database
 * hands out the per-user seq (see {@code push_clips} in the migrations).
 * <p>
 * A {@code @Component}, not a {@code @Repository}: the JDBC templates already turn SQL
 * errors into {@code DataAccessException}s, and the translating proxy a repository gets
 * put a reflective call on every push and every handshake's latest-seq read.
 */
@Component
public class ClipStore {

	private final JdbcClient jdbc;

	private final JdbcTemplate jdbcTemplate;

	private final GroupCommit groups;

	private final int keepPerUser;

	private final long quotaBytes;

	ClipStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, GatewayProperties properties, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.jdbcTemplate = jdbcTemplate;
		this.keepPerUser = properties.clips().keepPerUser();
		this.quotaBytes = properties.clips().quotaPerUser().toBytes();
		this.groups = new GroupCommit(this::pushAll, properties.clips().groupCommit(), meters);
	}

	/**
	 * Store a push, or find the earlier one with the same client id. Returns once the
	 * push is committed, which it may be together with other users' pushes.
	 * @param userId the user
	 * @param deviceId the pushing device
	 * @param sessionId the pushing connection
	 * @param draft the checked clip
	 * @return the stored clip and whether it was stored before
	 * @throws QuotaExceeded when a new clip would take the user past the quota
	 */
	public Stored push(UUID userId, UUID deviceId, UUID sessionId, ClipDraft draft) {
		Stored stored = this.groups.push(new GroupCommit.Push(userId, deviceId, sessionId, draft));
		if (stored.clip().seq() == 0) {
			throw new QuotaExceeded(this.quotaBytes);
		}
		return stored;
	}

	/** The element types of {@code push_clips}'s arrays, in order. */
	private static final String[] COLUMN_TYPES = { "uuid", "uuid", "uuid", "uuid", "text", "text", "bool", "text",
			"bool", "uuid", "int8", "text" };

	private static final String PUSH_GROUP = "select out_seq, out_created_at, out_duplicate from push_clips("
			+ "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	/**
	 * One push, its values bound one by one: the driver spells each array as text in a
	 * fresh 1 KB buffer, which made a lone push's arrays a fifth of the gateway's
	 * garbage.
	 */
	private static final String PUSH_ONE = "select out_seq, out_created_at, out_duplicate from push_clips("
			+ Arrays.stream(COLUMN_TYPES).map((type) -> "array[?::" + type + "], ").collect(Collectors.joining())
			+ "?, ?)";

	/**
	 * Store pushes in one transaction, in the given order (see {@code push_clips} in the
	 * migration); a push refused for the quota answers seq 0.
	 */
	private List<Stored> pushAll(List<GroupCommit.Push> group) {
		int size = group.size();
		Object[][] columns = new Object[12][size];
		for (int i = 0; i < size; i++) {
			GroupCommit.Push push = group.get(i);
			ClipDraft draft = push.draft();
			BlobRef blob = draft.blob();
			columns[0][i] = push.userId();
			columns[1][i] = draft.id();
			columns[2][i] = push.deviceId();
			columns[3][i] = push.sessionId();
			columns[4][i] = draft.mime();
			columns[5][i] = draft.encoding();
			columns[6][i] = draft.encrypted();
			columns[7][i] = draft.data();
			columns[8][i] = draft.sensitive();
			columns[9][i] = (blob != null) ? blob.blobId() : null;
			columns[10][i] = (blob != null) ? blob.size() : null;
			columns[11][i] = (blob != null) ? blob.sha256() : null;
		}
		List<Stored> stored = this.jdbcTemplate.execute((ConnectionCallback<List<Stored>>) (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement((size == 1) ? PUSH_ONE : PUSH_GROUP)) {
				for (int column = 0; column < columns.length; column++) {
					if (size == 1) {
						statement.setObject(column + 1, columns[column][0]);
					}
					else {
						statement.setArray(column + 1, connection.createArrayOf(COLUMN_TYPES[column], columns[column]));
					}
				}
				statement.setInt(13, this.keepPerUser);
				statement.setLong(14, this.quotaBytes);
				List<Stored> answers = new ArrayList<>(size);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						GroupCommit.Push push = group.get(answers.size());
						ClipDraft draft = push.draft();
						answers.add(new Stored(new Clip(rs.getLong(1), draft.id(), push.deviceId(), push.sessionId(),
								draft.mime(), draft.data(), draft.encoding(), draft.encrypted(), draft.sensitive(),
								draft.blob(), rs.getTimestamp(2).toInstant()), rs.getBoolean(3)));
					}
				}
				return answers;
			}
		});
		if (stored == null || stored.size() != size) {
			throw new IllegalStateException(
					"push_clips answered " + ((stored != null) ? stored.size() : 0) + " rows for " + size + " pushes");
		}
		return stored;
	}

	/**
	 * The user's clips after a seq, oldest first, in a page bounded by count and bytes.
	 * @param userId the user
	 * @param afterSeq only clips with a greater seq
	 * @param limit at most this many
	 * @param maxBytes the page stops at the first clip that would take its data past this
	 * many bytes (it holds at least one clip, however large)
	 * @return the clips
	 */
	public List<Clip> after(UUID userId, long afterSeq, int limit, long maxBytes) {
		// The running total is computed by PostgreSQL, so large clips past the bound are
		// never read into the gateway's memory.
		return this.jdbc
			.sql("""
					select seq, client_id, from_device, from_session, mime, data, encoding, encrypted, sensitive, blob_id, blob_size, blob_sha256, created_at
					from (select c.*, sum(octet_length(c.data)) over (order by c.seq) as running
					      from clips c where c.user_id = ? and c.seq > ? order by c.seq limit ?) page
					where running - octet_length(data) < ?
					order by seq""")
			.params(userId, afterSeq, limit, maxBytes)
			.query(ClipStore::clip)
			.list();
	}

	public Optional<Clip> latest(UUID userId) {
		return this.jdbc
			.sql("""
					select seq, client_id, from_device, from_session, mime, data, encoding, encrypted, sensitive, blob_id, blob_size, blob_sha256, created_at
					from clips where user_id = ? order by seq desc limit 1""")
			.param(userId)
			.query(ClipStore::clip)
			.optional();
	}

	/**
	 * The last seq handed out for the user: clips up to it exist or were deleted.
	 * @param userId the user
	 * @return the seq, 0 when the user never pushed
	 */
	public long latestSeq(UUID userId) {
		return this.jdbc.sql("select last_seq from user_clip_seq where user_id = ?")
			.param(userId)
			.query(Long.class)
			.optional()
			.orElse(0L);
	}

	public boolean delete(UUID userId, long seq) {
		return this.jdbc.sql("delete from clips where user_id = ? and seq = ?").params(userId, seq).update() > 0;
	}

	public void clear(UUID userId) {
		this.jdbc.sql("delete from clips where user_id = ?").param(userId).update();
	}

	/**
	 * Forget everything about a user, as when the account is deleted.
	 * @param userId the user
	 */
	public void forget(UUID userId) {
		clear(userId);
		this.jdbc.sql("delete from user_clip_seq where user_id = ?").param(userId).update();
	}

	/**
	 * Delete clips created before the cut-off, a batch at a time so no gateway holds long
	 * locks; safe with every gateway running it at once.
	 * @param cutoff the cut-off time
	 * @param batch at most this many rows
	 * @return how many were deleted
	 */
	int deleteOlderThan(Instant cutoff, int batch) {
		return this.jdbc.sql("""
				delete from clips where ctid in (
				  select ctid from clips where created_at < ? limit ? for update skip locked)""")
			.params(Timestamp.from(cutoff), batch)
			.update();
	}

	/**
	 * Delete sensitive clips created before the cut-off; safe with every gateway running
	 * it at once.
	 * @param cutoff the cut-off time
	 * @return how many were deleted
	 */
	int deleteSensitiveOlderThan(Instant cutoff) {
		return this.jdbc.sql("""
				delete from clips where ctid in (
				  select ctid from clips where sensitive and created_at < ? for update skip locked)""")
			.param(Timestamp.from(cutoff))
			.update();
	}

	private static Clip clip(ResultSet rs, int row) throws SQLException {
		return new Clip(rs.getLong("seq"), rs.getObject("client_id", UUID.class),
				rs.getObject("from_device", UUID.class), rs.getObject("from_session", UUID.class), rs.getString("mime"),
				rs.getString("data"), rs.getString("encoding"), rs.getBoolean("encrypted"), rs.getBoolean("sensitive"),
				blob(rs), rs.getTimestamp("created_at").toInstant());
	}

	private static @Nullable BlobRef blob(ResultSet rs) throws SQLException {
		UUID blobId = rs.getObject("blob_id", UUID.class);
		return (blobId != null) ? new BlobRef(blobId, rs.getLong("blob_size"), rs.getString("blob_sha256")) : null;
	}

	/**
	 * A push that would take the user's inline clips past the quota; nothing was stored.
	 */
	public static final class QuotaExceeded extends RuntimeException {

		QuotaExceeded(long quotaBytes) {
			super("your clips would take more than " + quotaBytes
					+ " bytes; delete some (or clear the history) and push again with the same id");
		}

	}

	/**
	 * The outcome of a push.
	 *
	 * @param clip the stored clip; for a duplicate, the seq and time are the original's
	 * @param duplicate whether the client id had been pushed before
	 */
	public record Stored(Clip clip, boolean duplicate) {
	}

}
