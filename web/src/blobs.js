// Images and files by reference: the bytes go up once as a blob (POST /v1/blobs) and the
// clip carries only the ref and a small PNG thumbnail; a device fetches the bytes when its
// user asks (Download, Copy). With end-to-end encryption the blob is sealed in 1 MiB chunks
// before it leaves the page and opened after it arrives. Nothing here touches the DOM.

import * as api from './api.js';
import * as e2e from './e2e.js';
import * as session from './session.js';

/** The gateway's default `blobs.max-size`; it says so again (413) if it was set lower. */
export const MAX_BLOB_BYTES = 32 * 1024 * 1024;
/** Thumbnails fit in a clip's inline data with room to spare. */
const THUMBNAIL_MAX_BYTES = 64 * 1024;
const THUMBNAIL_SIDE = 320;

export function describeSize(bytes) {
	if (bytes < 1024) {
		return bytes + ' bytes';
	}
	if (bytes < 1024 * 1024) {
		return (bytes / 1024).toFixed(0) + ' KB';
	}
	return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

export function tooLargeMessage(size) {
	return 'That file is ' + describeSize(size) + '; ClipSync takes files up to ' + describeSize(MAX_BLOB_BYTES)
			+ '.';
}

/** A PNG thumbnail (base64) of an image, drawn on a canvas; null for anything the browser cannot draw. */
export async function thumbnail(file) {
	if (!file.type.startsWith('image/')) {
		return null;
	}
	let bitmap;
	try {
		bitmap = await createImageBitmap(file);
	}
	catch {
		return null;
	}
	try {
		for (let side = THUMBNAIL_SIDE; side >= 40; side = Math.floor(side / 2)) {
			const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
			const canvas = document.createElement('canvas');
			canvas.width = Math.max(1, Math.round(bitmap.width * scale));
			canvas.height = Math.max(1, Math.round(bitmap.height * scale));
			const context = canvas.getContext('2d');
			// averaged, not sampled: a smoother thumbnail, and a smaller PNG
			context.imageSmoothingQuality = 'high';
			context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
			const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
			if (png && png.size <= THUMBNAIL_MAX_BYTES) {
				return e2e.toBase64(new Uint8Array(await png.arrayBuffer()));
			}
		}
		return null;
	}
	finally {
		bitmap.close();
	}
}

/**
 * Upload a file as the blob of clip `id`; sealed first when `key` is set. Resolves with
 * `stored`, the ref the gateway answered ({blobId, size, sha256}), and `content`, the ref
 * of the plaintext (the same unless sealed).
 */
export async function upload(file, { id, key, userId, onProgress = () => {} }) {
	const body = key ? await sealFile(file, key, userId, id) : file;
	if (body.size > MAX_BLOB_BYTES) {
		throw new api.ApiError(413, 'too_large', tooLargeMessage(file.size));
	}
	// the gateway checks the bytes it stored against this, so a damaged upload is refused
	const bodyDigest = await crypto.subtle.digest('SHA-256', await body.arrayBuffer());
	const digest = e2e.toBase64(new Uint8Array(bodyDigest));
	const headers = {
		'Content-Type': key ? 'application/octet-stream' : (file.type || 'application/octet-stream'),
		Digest: 'sha-256=' + digest,
	};
	const target = await api.url('blobs');
	let answer = await post(target, body, headers, await session.accessToken(), onProgress);
	if (answer.status === 401) {
		await session.refresh({ force: true });
		answer = await post(target, body, headers, await session.accessToken(), onProgress);
	}
	if (answer.status !== 201) {
		throw uploadError(answer, file.size);
	}
	const ref = answer.json;
	const stored = { blobId: ref.blobId, size: ref.size, sha256: ref.sha256 };
	if (stored.size !== body.size || stored.sha256 !== hex(bodyDigest)) {
		throw new api.ApiError(0, 'digest_mismatch', 'The server stored other bytes than were sent. Try again.');
	}
	const content = key ? { blobId: ref.blobId, size: file.size,
		sha256: hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer())) } : stored;
	return { stored, content };
}

async function sealFile(file, key, userId, id) {
	const parts = [];
	let index = 0;
	for (let offset = 0; offset < file.size; offset += e2e.CHUNK_BYTES) {
		const plain = new Uint8Array(await file.slice(offset, offset + e2e.CHUNK_BYTES).arrayBuffer());
		parts.push(await e2e.sealChunk(key, userId, id, index++, plain));
	}
	return new Blob(parts, { type: 'application/octet-stream' });
}

// XMLHttpRequest, not fetch: fetch reports no upload progress, and Chromium streams a request
// body from JavaScript only over HTTP/2. A Blob or File body is sent from disk either way.
function post(target, body, headers, token, onProgress) {
	return new Promise((resolve) => {
		const request = new XMLHttpRequest();
		request.open('POST', target);
		request.setRequestHeader('Authorization', 'Bearer ' + token);
		for (const [name, value] of Object.entries(headers)) {
			request.setRequestHeader(name, value);
		}
		request.responseType = 'text';
		request.upload.onprogress = (event) => onProgress(event.loaded / (event.total || body.size));
		request.onload = () => {
			let json = null;
			try {
				json = JSON.parse(request.responseText);
			}
			catch {
				// not JSON: the status says enough
			}
			resolve({ status: request.status, json, retryAfter: request.getResponseHeader('Retry-After') });
		};
		request.onerror = () => resolve({ status: 0, json: null });
		request.onabort = () => resolve({ status: 0, json: null });
		request.send(body);
	});
}

function uploadError(answer, size) {
	const problem = answer.json || {};
	const code = problem.code || (answer.status === 0 ? 'network' : 'http_' + answer.status);
	const messages = {
		network: 'The upload broke off: the server cannot be reached. Check your connection and try again.',
		too_large: tooLargeMessage(size),
		quota_exceeded: 'Your files on the server are at their limit. Delete some clips with files, then try again.',
		rate_limited: 'Too many uploads at once. Try again' + (answer.retryAfter ? ' in ' + answer.retryAfter + ' s.'
			: ' shortly.'),
		digest_mismatch: 'The upload arrived damaged. Try again.',
		incomplete_upload: 'The upload broke off. Try again.',
	};
	const message = messages[code] || (answer.status >= 500 ? 'The server is unavailable right now. Try again shortly.'
		: problem.detail || 'The upload failed (' + answer.status + ').');
	return new api.ApiError(answer.status, code, message, problem);
}

/**
 * The bytes of a clip's blob, as a Blob of the clip's type: fetched with the access token,
 * resumed with Range where a download breaks off, checked against the ref's digest, and
 * opened chunk by chunk when the clip was encrypted (`key` set), then checked against the
 * digest of the plaintext (`content`, the ref inside the sealed clip).
 */
export async function download(clip, { key, userId, mime, content, onProgress = () => {} }) {
	const ref = clip.blob;
	const target = await api.url('blobs', '/' + encodeURIComponent(ref.blobId));
	const parts = [];
	let received = 0;
	let refreshed = false;
	for (let attempt = 0; received < ref.size; attempt++) {
		const headers = { Authorization: 'Bearer ' + (await session.accessToken()) };
		if (received > 0) {
			headers.Range = 'bytes=' + received + '-';
		}
		let response;
		try {
			response = await fetch(target, { headers, cache: 'no-store', credentials: 'omit' });
		}
		catch {
			response = null;
		}
		if (response && response.status === 401 && !refreshed) {
			refreshed = true;
			await session.refresh({ force: true });
			continue;
		}
		if (response && response.status === 404) {
			throw new api.ApiError(404, 'not_found', 'This file is no longer on the server: its clip was deleted.');
		}
		if (response && !response.ok) {
			throw new api.ApiError(response.status, 'http_' + response.status, response.status >= 500
				? 'The server is unavailable right now. Try again shortly.' : 'The download failed (' + response.status
					+ ').');
		}
		if (response && response.status === 200 && received > 0) {
			// the server sent it all again instead of the rest
			parts.length = 0;
			received = 0;
		}
		if (response) {
			try {
				const reader = response.body.getReader();
				for (;;) {
					const { done, value } = await reader.read();
					if (done) {
						break;
					}
					parts.push(value);
					received += value.length;
					onProgress(received / ref.size);
				}
			}
			catch {
				// broke off: what arrived is kept, the rest is asked for with Range
			}
		}
		if (received < ref.size && attempt >= 4) {
			throw new api.ApiError(0, 'network',
					'The download broke off. Check your connection and press Download again.');
		}
	}
	const whole = new Blob(parts);
	const digest = hex(await crypto.subtle.digest('SHA-256', await whole.arrayBuffer()));
	if (whole.size !== ref.size || digest !== ref.sha256) {
		throw new api.ApiError(0, 'digest_mismatch', 'The download arrived damaged. Try again.');
	}
	if (!clip.encrypted) {
		return new Blob([whole], { type: mime });
	}
	const plain = [];
	const sealedChunk = e2e.CHUNK_BYTES + e2e.CHUNK_OVERHEAD;
	for (let offset = 0, index = 0; offset < whole.size; offset += sealedChunk, index++) {
		const sealed = new Uint8Array(await whole.slice(offset, offset + sealedChunk).arrayBuffer());
		try {
			plain.push(await e2e.openChunk(key, userId, clip.id, index, sealed));
		}
		catch {
			throw new api.ApiError(0, 'locked', 'This file cannot be opened with the passphrase of this device.');
		}
	}
	const opened = new Blob(plain, { type: mime });
	if (content && (opened.size !== content.size
			|| hex(await crypto.subtle.digest('SHA-256', await opened.arrayBuffer())) !== content.sha256)) {
		throw new api.ApiError(0, 'digest_mismatch', 'The file opened is not the one the clip names.');
	}
	return opened;
}

function hex(buffer) {
	return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

const EXTENSIONS = {
	'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'application/pdf': 'pdf',
	'text/plain': 'txt', 'application/zip': 'zip',
};

/** The name a download is saved under: the one it was sent with, else one made from the clip. */
export function fileName(clip, view) {
	if (view.name) {
		return view.name;
	}
	return 'clipsync-' + (clip.seq ?? 'file') + '.' + (EXTENSIONS[view.mime] || 'bin');
}

/** Save a Blob as a file the way a link with `download` does. */
export function save(blob, name) {
	const href = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = href;
	link.download = name;
	link.hidden = true;
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
