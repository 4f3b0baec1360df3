package dev.clipsync.common.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Tokens whose signature and claims were verified, so a device that reconnects (or calls
 * again) with the same token does not cost another Ed25519 verification. Bounded in size;
 * an entry lasts until its token expires. Entries are found by the SHA-256 of the token,
 * so the cache keeps neither the token nor anything a client chose the size of.
 * <p>
 * Only the signature and claims are remembered: the caller still checks the deny list
 * every time, and an entry is honoured only while the key that verified it is still
 * published under its id.
 */
final class VerifiedTokens {

	private final ConcurrentHashMap<Digest, Verified> entries = new ConcurrentHashMap<>();

	private final int capacity;

	VerifiedTokens(int capacity) {
		if (capacity <= 0) {
			throw new IllegalArgumentException("capacity must be positive, was " + capacity);
		}
		this.capacity = capacity;
	}

	/**
	 * The verified token with this digest, while it has not expired.
	 * @param digest the token's digest
	 * @param now the time
	 * @return the entry, or {@code null}
	 */
	@Nullable Verified find(Digest digest, Instant now) {
		Verified verified = this.entries.get(digest);
		if (verified == null) {
			return null;
		}
		if (!verified.validAt(now)) {
			this.entries.remove(digest, verified);
			return null;
		}
		return verified;
	}

	void remember(Digest digest, Verified verified, Instant now) {
		if (this.entries.size() >= this.capacity) {
			evict(now);
		}
		this.entries.put(digest, verified);
	}

	void forget(Digest digest) {
		this.entries.remove(digest);
	}

	int size() {
		return this.entries.size();
	}

	/**
	 * Expired entries go first; if that is not enough, any eighth of the rest (a storm of
	 * new tokens then keeps being cached, at the cost of some older ones).
	 */
	private void evict(Instant now) {
		this.entries.values().removeIf((verified) -> !verified.validAt(now));
		int target = this.capacity - Math.max(1, this.capacity / 8);
		Iterator<Digest> digests = this.entries.keySet().iterator();
		while (this.entries.size() > target && digests.hasNext()) {
			digests.next();
			digests.remove();
		}
	}

	/**
	 * A verified token, the key that verified it, and until when it may be honoured.
	 *
	 * @param token the verified content
	 * @param keyId the {@code kid} it was verified under
	 * @param key the key that verified it
	 * @param validUntil its expiry plus the clock skew allowed, in epoch milliseconds
	 */
	record Verified(AccessToken token, String keyId, PublicKey key, long validUntil) {

		boolean validAt(Instant now) {
			return now.toEpochMilli() < this.validUntil;
		}

	}

	/** The SHA-256 of a token: 40 bytes of heap instead of the token's 400 or more. */
	record Digest(long first, long second, long third, long fourth) {

		static Digest of(String compact) {
			MessageDigest sha256;
			try {
				sha256 = MessageDigest.getInstance("SHA-256");
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
			}
			ByteBuffer hash = ByteBuffer.wrap(sha256.digest(compact.getBytes(StandardCharsets.UTF_8)));
			return new Digest(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
		}

	}

}
