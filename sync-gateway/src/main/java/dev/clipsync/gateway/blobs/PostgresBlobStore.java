package dev.clipsync.gateway.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.common.wire.BlobRef;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Blobs in PostgreSQL, in chunks of {@link #CHUNK} bytes, each written in its own short
 * statement: an upload holds one chunk in memory and no database connection between
 * chunks, however slow the client. A blob is usable only once complete and its digest
 * checked; a refused or broken upload is deleted at once, and one whose gateway died
 * half-way by {@link #deleteUnreferenced}. A {@code @Component}, not a
 * {@code @Repository}, for the reason {@code ClipStore} gives.
 */
@Component
class PostgresBlobStore implements BlobStore {

	static final int CHUNK = 1024 * 1024;

	private final JdbcClient jdbc;

	PostgresBlobStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public BlobRef save(UUID userId, String mime, InputStream body, @Nullable String expectedSha256, Limits limits)
			throws IOException {
		long used = this.jdbc.sql("select coalesce(sum(size), 0) from blobs where user_id = ? and complete")
			.param(userId)
			.query(Long.class)
			.single();
		UUID blobId = UUID.randomUUID();
		this.jdbc.sql("insert into blobs (blob_id, user_id, mime) values (?, ?, ?)")
			.params(blobId, userId, mime)
			.update();
		boolean stored = false;
		try {
			MessageDigest sha256 = sha256();
			byte[] buffer = new byte[CHUNK];
			long size = 0;
			int index = 0;
			while (true) {
				int read = body.readNBytes(buffer, 0, CHUNK);
				if (read == 0) {
					break;
				}
				size += read;
				if (size > limits.maxSize()) {
					throw new BlobRefused(BlobRefused.Reason.TOO_LARGE,
							"The blob is larger than " + limits.maxSize() + " bytes.");
				}
				if (used + size > limits.quota()) {
					throw new BlobRefused(BlobRefused.Reason.QUOTA_EXCEEDED, "Your blobs would take more than "
							+ limits.quota() + " bytes; delete clips with files or images to make room.");
				}
				sha256.update(buffer, 0, read);
				this.jdbc.sql("insert into blob_chunks (blob_id, idx, data) values (?, ?, ?)")
					.params(blobId, index++, Arrays.copyOf(buffer, read))
					.update();
				if (read < CHUNK) {
					break;
				}
			}
			String digest = HexFormat.of().formatHex(sha256.digest());
			if (expectedSha256 != null && !expectedSha256.equals(digest)) {
				throw new BlobRefused(BlobRefused.Reason.DIGEST_MISMATCH,
						"The bytes received have SHA-256 " + digest + ", not the " + expectedSha256
								+ " announced: the upload was changed or cut; upload it again.");
			}
			this.jdbc.sql("update blobs set size = ?, sha256 = ?, complete = true where blob_id = ?")
				.params(size, digest, blobId)
				.update();
			stored = true;
			return new BlobRef(blobId, size, digest);
		}
		finally {
			if (!stored) {
				this.jdbc.sql("delete from blobs where blob_id = ?").param(blobId).update();
			}
		}
	}

	@Override
	public Optional<Blob> find(UUID userId, UUID blobId) {
		return this.jdbc.sql("select size, sha256, mime from blobs where blob_id = ? and user_id = ? and complete")
			.params(blobId, userId)
			.query((rs, row) -> new Blob(new BlobRef(blobId, rs.getLong(1), rs.getString(2)), rs.getString(3)))
			.optional();
	}

	@Override
	public void read(Blob blob, long from, long to, OutputStream out) throws IOException {
		for (int index = (int) (from / CHUNK); index <= (int) (to / CHUNK); index++) {
			long chunkStart = (long) index * CHUNK;
			byte[] chunk = this.jdbc.sql("select data from blob_chunks where blob_id = ? and idx = ?")
				.params(blob.ref().blobId(), index)
				.query(byte[].class)
				.single();
			int start = (int) Math.max(0, from - chunkStart);
			int end = (int) Math.min(chunk.length - 1, to - chunkStart);
			out.write(chunk, start, end - start + 1);
		}
	}

	@Override
	public boolean attach(UUID userId, BlobRef ref) {
		return this.jdbc.sql("""
				update blobs set referenced_at = now()
				where blob_id = ? and user_id = ? and complete and size = ? and sha256 = ?""")
			.params(ref.blobId(), userId, ref.size(), ref.sha256())
			.update() == 1;
	}

	@Override
	public int deleteUnreferenced(Instant referencedBefore, Instant uploadedBefore) {
		// A grace after attach, so a blob whose clip is being committed is never taken.
		return this.jdbc.sql("""
				delete from blobs b where b.blob_id in (
				  select blob_id from blobs
				  where (referenced_at is not null and referenced_at < ? and not exists (
				           select 1 from clips c where c.blob_id = blobs.blob_id))
				     or (referenced_at is null and created_at < ?)
				  limit 1000 for update skip locked)""")
			.params(Timestamp.from(referencedBefore), Timestamp.from(uploadedBefore))
			.update();
	}

	@Override
	public void forget(UUID userId) {
		this.jdbc.sql("delete from blobs where user_id = ?").param(userId).update();
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
