package dev.clipsync.client.e2e;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The protocol's end-to-end encryption of one user's clips: a key derived from the
 * passphrase with PBKDF2-HMAC-SHA256 (600,000 iterations, salt
 * {@code "clipsync-e2e-v1:" + userId}), AES-256-GCM with a fresh 12-byte nonce and the
 * associated data {@code userId + ":" + clipId}, so the server can neither read a clip
 * nor pass one clip's ciphertext off as another's. Sealed form:
 * {@code base64(0x01 || nonce || ciphertext || tag)}.
 */
public final class ClipCipher {

	/** The mime of an encrypted push: what the server sees instead of the real one. */
	public static final String MIME = "application/x-clipsync-e2e";

	public static final int ITERATIONS = 600_000;

	/**
	 * Blobs of encrypted clips are sealed in chunks of this many bytes (the last
	 * shorter).
	 */
	public static final int BLOB_CHUNK = 1024 * 1024;

	/** What sealing adds to each chunk: version byte, nonce and tag. */
	public static final int CHUNK_OVERHEAD = 1 + 12 + 16;

	private static final byte VERSION = 1;

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final SecureRandom random = new SecureRandom();

	private final byte[] key;

	private final UUID userId;

	public ClipCipher(byte[] key, UUID userId) {
		if (key.length != 32) {
			throw new IllegalArgumentException("an end-to-end key is 32 bytes");
		}
		this.key = key.clone();
		this.userId = userId;
	}

	/**
	 * Derive the user's key from the passphrase. Slow on purpose (600,000 rounds).
	 * @param passphrase as typed; normalized to NFC first, as every client does
	 * @param userId the account's user id, part of the salt
	 * @return the 32-byte key
	 */
	public static byte[] deriveKey(String passphrase, UUID userId) {
		byte[] password = Normalizer.normalize(passphrase, Normalizer.Form.NFC).getBytes(StandardCharsets.UTF_8);
		byte[] salt = ("clipsync-e2e-v1:" + userId).getBytes(StandardCharsets.UTF_8);
		try {
			return pbkdf2Sha256(password, salt, ITERATIONS);
		}
		finally {
			Arrays.fill(password, (byte) 0);
		}
	}

	/**
	 * PBKDF2 (RFC 8018) with HMAC-SHA256, one 32-byte block, computed over the exact
	 * UTF-8 bytes: the JDK's PBEKeySpec takes chars and leaves their encoding to the
	 * provider, which another client could not rely on.
	 */
	static byte[] pbkdf2Sha256(byte[] password, byte[] salt, int iterations) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			// HMAC pads its key with zero bytes, so an empty key is the key {0}
			mac.init(new SecretKeySpec((password.length == 0) ? new byte[1] : password, "HmacSHA256"));
			mac.update(salt);
			mac.update(new byte[] { 0, 0, 0, 1 });
			byte[] u = mac.doFinal();
			byte[] result = u.clone();
			for (int i = 1; i < iterations; i++) {
				u = mac.doFinal(u);
				for (int j = 0; j < result.length; j++) {
					result[j] ^= u[j];
				}
			}
			return result;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every JDK", ex);
		}
	}

	/**
	 * Encrypt the plaintext JSON of a clip.
	 * @param clipId the push's id
	 * @param plaintext the UTF-8 JSON {@code {"mime","encoding","data"}}
	 * @return the base64 sealed form for the push's {@code data}
	 */
	public String seal(UUID clipId, byte[] plaintext) {
		byte[] nonce = new byte[NONCE_BYTES];
		random.nextBytes(nonce);
		return seal(clipId, plaintext, nonce);
	}

	/** With a given nonce: for interoperability tests only; never reuse a nonce. */
	String seal(UUID clipId, byte[] plaintext, byte[] nonce) {
		return Base64.getEncoder()
			.encodeToString(sealBytes(associatedData(clipId), plaintext, 0, plaintext.length, nonce));
	}

	/**
	 * Encrypt one chunk of a blob that belongs to an encrypted clip.
	 * @param clipId the clip's id
	 * @param index the chunk's index, from 0
	 * @param plaintext holds the chunk, at most {@link #BLOB_CHUNK} bytes
	 * @param length how many bytes of it
	 * @return {@code 0x01 || nonce || ciphertext || tag}, {@link #CHUNK_OVERHEAD} bytes
	 * longer than the chunk
	 */
	public byte[] sealChunk(UUID clipId, long index, byte[] plaintext, int length) {
		byte[] nonce = new byte[NONCE_BYTES];
		random.nextBytes(nonce);
		return sealBytes(chunkAssociatedData(clipId, index), plaintext, 0, length, nonce);
	}

	/**
	 * Decrypt one chunk of a blob.
	 * @param clipId the clip's id
	 * @param index the chunk's index, from 0
	 * @param sealed holds the sealed chunk
	 * @param length how many bytes of it
	 * @return the plaintext chunk
	 * @throws LockedException when another key sealed it, or it was changed or moved
	 */
	public byte[] openChunk(UUID clipId, long index, byte[] sealed, int length) throws LockedException {
		return openBytes(chunkAssociatedData(clipId, index), sealed, length);
	}

	/**
	 * @param size the size of a blob's plaintext
	 * @return the size of its sealed form: each chunk grows by {@link #CHUNK_OVERHEAD}
	 */
	public static long sealedSize(long size) {
		long chunks = (size + BLOB_CHUNK - 1) / BLOB_CHUNK;
		return size + chunks * CHUNK_OVERHEAD;
	}

	private byte[] sealBytes(byte[] associatedData, byte[] plaintext, int offset, int length, byte[] nonce) {
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(this.key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData);
			byte[] out = new byte[1 + NONCE_BYTES + length + TAG_BITS / 8];
			out[0] = VERSION;
			System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
			cipher.doFinal(plaintext, offset, length, out, 1 + NONCE_BYTES);
			return out;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is part of every JDK", ex);
		}
	}

	/**
	 * Decrypt a clip's sealed data.
	 * @param clipId the clip's id
	 * @param sealed the clip's {@code data}
	 * @return the plaintext JSON bytes
	 * @throws LockedException when the key is another passphrase's, the data was tampered
	 * with or moved from another clip, or it is not in the sealed form
	 */
	public byte[] open(UUID clipId, String sealed) throws LockedException {
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(sealed);
		}
		catch (IllegalArgumentException ex) {
			throw new LockedException("not base64");
		}
		return openBytes(associatedData(clipId), bytes, bytes.length);
	}

	private byte[] openBytes(byte[] associatedData, byte[] bytes, int length) throws LockedException {
		if (length < CHUNK_OVERHEAD) {
			throw new LockedException("too short to be sealed");
		}
		if (bytes[0] != VERSION) {
			throw new LockedException("unknown format version " + bytes[0]);
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(this.key, "AES"),
					new GCMParameterSpec(TAG_BITS, bytes, 1, NONCE_BYTES));
			cipher.updateAAD(associatedData);
			return cipher.doFinal(bytes, 1 + NONCE_BYTES, length - 1 - NONCE_BYTES);
		}
		catch (javax.crypto.AEADBadTagException ex) {
			throw new LockedException("another passphrase, or tampered with");
		}
		catch (GeneralSecurityException ex) {
			throw new LockedException(ex.getMessage());
		}
	}

	private byte[] associatedData(UUID clipId) {
		return (this.userId + ":" + clipId).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] chunkAssociatedData(UUID clipId, long index) {
		return (this.userId + ":" + clipId + ":" + index).getBytes(StandardCharsets.UTF_8);
	}

	/** The clip cannot be opened with this key. */
	public static final class LockedException extends Exception {

		public LockedException(String message) {
			super(message);
		}

	}

}
