package dev.clipsync.gateway.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.clipsync.common.wire.BlobRef;
import org.jspecify.annotations.Nullable;

/**
 * Where blobs live. Streams both ways: no implementation may hold a whole blob in memory.
 * The PostgreSQL one keeps self-hosting to one database; an object store could implement
 * this at scale.
 */
public interface BlobStore {

	/**
	 * Store an upload. Nothing of a refused or broken upload stays stored.
	 * @param userId the owner
	 * @param mime the media type of the bytes
	 * @param body the bytes
	 * @param expectedSha256 the digest the client announced, lower-case hex, if any
	 * @param limits the size and quota limits
	 * @return the stored blob
	 * @throws BlobRefused when a limit or the digest refuses it
	 * @throws IOException when the upload broke off
	 */
	BlobRef save(UUID userId, String mime, InputStream body, @Nullable String expectedSha256, Limits limits)
			throws IOException;

	/**
	 * A complete blob of the user.
	 * @param userId the user
	 * @param blobId the blob
	 * @return it, or empty when unknown, incomplete or another user's
	 */
	Optional<Blob> find(UUID userId, UUID blobId);

	/**
	 * Write bytes {@code from} to {@code to} (inclusive) of a blob.
	 * @param blob the blob
	 * @param from the first byte
	 * @param to the last byte
	 * @param out where to write
	 * @throws IOException when the client went away
	 */
	void read(Blob blob, long from, long to, OutputStream out) throws IOException;

	/**
	 * Mark a blob as referred to by a clip about to be stored.
	 * @param userId the user pushing the clip
	 * @param ref the reference in the push
	 * @return whether the blob exists, is the user's, and matches the reference
	 */
	boolean attach(UUID userId, BlobRef ref);

	/**
	 * Delete blobs no clip refers to any more (referred to before
	 * {@code referencedBefore}), and blobs never referred to that were uploaded (or
	 * begun) before {@code uploadedBefore}.
	 * @return how many were deleted
	 */
	int deleteUnreferenced(Instant referencedBefore, Instant uploadedBefore);

	/** Delete every blob of a user, as when the account is deleted. */
	void forget(UUID userId);

	/**
	 * A stored blob.
	 *
	 * @param ref its id, size and digest
	 * @param mime its media type
	 */
	record Blob(BlobRef ref, String mime) {
	}

	/**
	 * @param maxSize the largest blob
	 * @param quota the most bytes of blobs one user may keep
	 */
	record Limits(long maxSize, long quota) {
	}

	/** An upload refused by a limit or its digest; nothing of it is stored. */
	final class BlobRefused extends RuntimeException {

		private final Reason reason;

		BlobRefused(Reason reason, String message) {
			super(message);
			this.reason = reason;
		}

		public Reason reason() {
			return this.reason;
		}

		/** Why. */
		public enum Reason {

			TOO_LARGE, QUOTA_EXCEEDED, DIGEST_MISMATCH

		}

	}

}
