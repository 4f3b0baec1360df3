// End-to-end encryption exactly as PROTOCOL.md and the Java SDK: PBKDF2-HMAC-SHA256
// (600,000 iterations) from the passphrase, AES-256-GCM with a fresh 12-byte nonce, the
// user id and clip id as associated data, and a version byte in front.

export const E2E_MIME = 'application/x-clipsync-e2e';
const VERSION = 1;
const ITERATIONS = 600_000;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The key, non-extractable: it can encrypt and decrypt but never be read back. */
export async function deriveKey(passphrase, userId) {
	const material = await crypto.subtle.importKey('raw', utf8.encode(passphrase.normalize('NFC')), 'PBKDF2', false,
			['deriveKey']);
	return crypto.subtle.deriveKey(
			{ name: 'PBKDF2', hash: 'SHA-256', salt: utf8.encode('clipsync-e2e-v1:' + userId), iterations: ITERATIONS },
			material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/**
 * The push fields for `clip` ({mime, encoding, data}, and for a file the ref of its
 * plaintext and its name) sealed for clip `id`.
 */
export async function seal(key, userId, id, clip) {
	const inner = { mime: clip.mime, encoding: clip.encoding, data: clip.data };
	if (clip.blob) {
		inner.blob = clip.blob;
	}
	if (clip.name) {
		inner.name = clip.name;
	}
	const sealed = await sealBytes(key, utf8.encode(userId + ':' + id), utf8.encode(JSON.stringify(inner)));
	return { mime: E2E_MIME, encoding: 'base64', data: toBase64(sealed), encrypted: true };
}

async function sealBytes(key, associated, plaintext) {
	const nonce = crypto.getRandomValues(new Uint8Array(12));
	const sealed = new Uint8Array(await crypto.subtle.encrypt(
			{ name: 'AES-GCM', iv: nonce, additionalData: associated }, key, plaintext));
	const out = new Uint8Array(1 + nonce.length + sealed.length);
	out[0] = VERSION;
	out.set(nonce, 1);
	out.set(sealed, 1 + nonce.length);
	return out;
}

/** Blobs of an encrypted clip are sealed in chunks of this many plaintext bytes. */
export const CHUNK_BYTES = 1024 * 1024;
/** What sealing adds to each chunk: the version byte, the nonce and the tag. */
export const CHUNK_OVERHEAD = 1 + 12 + 16;

/** Chunk `index` of the blob of clip `id`, sealed: the index is in the associated data, so chunks cannot move. */
export function sealChunk(key, userId, id, index, bytes) {
	return sealBytes(key, utf8.encode(userId + ':' + id + ':' + index), bytes);
}

/** The plaintext of a sealed chunk; throws when the key or the place does not fit. */
export async function openChunk(key, userId, id, index, sealed) {
	if (sealed.length < CHUNK_OVERHEAD || sealed[0] !== VERSION) {
		throw new Error('not a sealed chunk');
	}
	return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(1, 13),
		additionalData: utf8.encode(userId + ':' + id + ':' + index) }, key, sealed.subarray(13)));
}

/** The size of a file once sealed in chunks (an empty file stays empty). */
export function sealedSize(plainSize) {
	return plainSize + Math.ceil(plainSize / CHUNK_BYTES) * CHUNK_OVERHEAD;
}

/** The size of a sealed blob's plaintext. */
export function plainSize(sealed) {
	const whole = Math.floor(sealed / (CHUNK_BYTES + CHUNK_OVERHEAD));
	const rest = sealed % (CHUNK_BYTES + CHUNK_OVERHEAD);
	return whole * CHUNK_BYTES + Math.max(0, rest - CHUNK_OVERHEAD);
}

/** The clip's {mime, encoding, data}, or null when it cannot be opened (no key, other passphrase, damaged). */
export async function open(key, userId, clip) {
	if (!key) {
		return null;
	}
	try {
		const bytes = fromBase64(clip.data);
		if (bytes.length < 1 + 12 + 16 || bytes[0] !== VERSION) {
			return null;
		}
		const plaintext = await crypto.subtle.decrypt(
				{ name: 'AES-GCM', iv: bytes.subarray(1, 13), additionalData: utf8.encode(userId + ':' + clip.id) }, key,
				bytes.subarray(13));
		const inner = JSON.parse(fromUtf8.decode(plaintext));
		if (typeof inner.mime !== 'string' || (typeof inner.data !== 'string' && !inner.blob)) {
			return null;
		}
		const opened = { mime: inner.mime, encoding: inner.encoding || 'utf8', data: inner.data || '' };
		// The sealed ref names the plaintext (its size and digest); it must name the blob the
		// server checked, or the clip is not what it claims.
		if (inner.blob && (!clip.blob || inner.blob.blobId !== clip.blob.blobId)) {
			return null;
		}
		if (clip.blob) {
			opened.blob = clip.blob;
			opened.content = inner.blob || null;
			if (typeof inner.name === 'string') {
				opened.name = inner.name;
			}
		}
		return opened;
	}
	catch {
		return null;
	}
}

export function toBase64(bytes) {
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary);
}

export function fromBase64(text) {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) {
		bytes[i] = binary.charCodeAt(i);
	}
	return bytes;
}
