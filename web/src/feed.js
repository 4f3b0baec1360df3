// The clips of this device: what arrived (deduplicated by seq, newest first), the outbox of
// pushes not yet acked (sent again with the same id after any reconnect), end-to-end
// encryption, and sensitive clips that leave after their time. It drives the store.

import * as db from './db.js';
import * as api from './api.js';
import * as blobs from './blobs.js';
import * as e2e from './e2e.js';
import * as session from './session.js';
import * as shared from './shared.js';
import { SyncConnection, backoff } from './sync.js';
import { state, update, notify } from './store.js';

const KEEP = 200;
/** The server's default `clips.sensitive-ttl`; the welcome does not say it. */
export const SENSITIVE_TTL_MS = 60_000;
/** Resume at the handshake (`/v1/sync?after=N`) instead of a `sync` message after the welcome. */
const RESUME_AT_HANDSHAKE = true;

export class Feed {
	constructor() {
		this.raw = new Map();
		this.lastSeq = 0;
		this.key = null;
		this.inflight = new Set();
		this.pendingViews = new Map();
		this.expiry = new Map();
		this.retryTimer = null;
		this.retries = 0;
		this.sync = new SyncConnection({
			onState: (connection, detail) => update({ connection, connectionDetail: detail }),
			onWelcome: (welcome) => this.welcomed(welcome),
			onMessage: (message) => this.handle(message),
			onSignedOut: (reason) => session.end(reason),
		}, () => RESUME_AT_HANDSHAKE ? this.lastSeq : null);
	}

	async begin() {
		this.lastSeq = (await db.get('lastSeq')) || 0;
		this.key = (await db.get('e2eKey')) || null;
		for (const clip of await db.allClips()) {
			this.raw.set(clip.seq, clip);
		}
		update({ e2e: Boolean(this.key) });
		await this.render();
		this.sync.start();
		await this.takeShared();
		this.loadDevices();
	}

	end() {
		this.sync.stop();
		clearTimeout(this.retryTimer);
		for (const timer of this.expiry.values()) {
			clearTimeout(timer);
		}
		this.expiry.clear();
		this.raw.clear();
		this.inflight.clear();
		this.lastSeq = 0;
		this.key = null;
	}

	async welcomed() {
		this.inflight.clear();
		if (!RESUME_AT_HANDSHAKE) {
			this.sync.send({ type: 'sync', after: this.lastSeq });
		}
		await this.flush();
	}

	async handle(message) {
		switch (message.type) {
			case 'clip':
				return this.received(message);
			case 'ack':
				return this.acked(message);
			case 'error':
				return this.refused(message);
			case 'presence':
				return this.presence(message.devices || []);
			case 'synced':
				return this.flush();
			default:
				return undefined;
		}
	}

	async received(message) {
		if (message.seq <= this.lastSeq) {
			return;
		}
		this.lastSeq = message.seq;
		await db.set('lastSeq', this.lastSeq);
		if (this.raw.has(message.seq)) {
			// our own push, already shown from its ack
			return;
		}
		const clip = { ...message, receivedAt: Date.now() };
		delete clip.type;
		this.raw.set(clip.seq, clip);
		await db.putClip(clip);
		await this.trim();
		await this.render();
	}

	async acked(ack) {
		const item = (await db.outbox()).find((entry) => entry.id === ack.id);
		this.inflight.delete(ack.id);
		if (!item) {
			return;
		}
		await db.deleteOutbox(ack.id);
		if (!this.raw.has(ack.seq)) {
			const clip = {
				seq: ack.seq, id: item.id, from: session.get()?.deviceId, mime: item.mime, data: item.data,
				encoding: item.encoding, encrypted: item.encrypted, createdAt: new Date().toISOString(),
				receivedAt: Date.now(),
			};
			if (item.sensitive) {
				clip.sensitive = true;
			}
			if (item.blob) {
				clip.blob = item.blob;
			}
			if (item.name) {
				clip.name = item.name;
			}
			this.raw.set(clip.seq, clip);
			await db.putClip(clip);
		}
		this.pendingViews.delete(ack.id);
		this.retries = 0;
		await this.trim();
		await this.render();
	}

	async refused(error) {
		if (!error.id) {
			if (error.code !== 'unauthorized') {
				notify(error.message || 'The server refused a message.', 'error');
			}
			return;
		}
		this.inflight.delete(error.id);
		if (error.code === 'unavailable' || error.code === 'rate_limited') {
			// the same id again later: the server stores it once
			clearTimeout(this.retryTimer);
			this.retryTimer = setTimeout(() => this.flush(), 500 + backoff(this.retries++));
			return;
		}
		await db.deleteOutbox(error.id);
		this.pendingViews.delete(error.id);
		notify(error.code === 'too_large' ? 'That clip is too large to send (1 MiB at most).'
				: 'The server refused that clip: ' + (error.message || error.code), 'error');
		await this.render();
	}

	/** Pushes not yet acked, oldest first, each once per connection. */
	async flush() {
		if (!this.sync.open) {
			return;
		}
		for (const item of await db.outbox()) {
			if (this.inflight.has(item.id)) {
				continue;
			}
			const push = { type: 'push', id: item.id, mime: item.mime, data: item.data, encoding: item.encoding,
				encrypted: item.encrypted };
			if (item.sensitive) {
				push.sensitive = true;
			}
			if (item.blob) {
				push.blob = item.blob;
			}
			if (!this.sync.send(push)) {
				return;
			}
			this.inflight.add(item.id);
		}
	}

	/** Queue a text clip: kept in the outbox until acked, so nothing is lost offline or on reload. */
	async send(text, { sensitive = false } = {}) {
		const id = crypto.randomUUID();
		let fields = { mime: 'text/plain', encoding: 'utf8', data: text, encrypted: false };
		if (this.key) {
			fields = await e2e.seal(this.key, session.get().userId, id, fields);
		}
		const item = { id, ...fields, queuedAt: Date.now() + Math.random() / 1000 };
		if (sensitive) {
			item.sensitive = true;
		}
		this.pendingViews.set(id, { kind: 'text', text });
		await db.putOutbox(item);
		await this.render();
		await this.flush();
	}

	/**
	 * Send an image or file: uploaded as a blob first (sealed when encryption is on), then
	 * queued like any clip with the ref and a thumbnail. Throws ApiError with a message for
	 * people when the file is too large or the upload fails; nothing is queued then.
	 */
	async sendFile(file, { onProgress } = {}) {
		const size = this.key ? e2e.sealedSize(file.size) : file.size;
		if (size > blobs.MAX_BLOB_BYTES) {
			throw new api.ApiError(413, 'too_large', blobs.tooLargeMessage(file.size));
		}
		const id = crypto.randomUUID();
		const userId = session.get().userId;
		const preview = await blobs.thumbnail(file);
		const { stored: blob, content } = await blobs.upload(file, { id, key: this.key, userId, onProgress });
		const mime = file.type || 'application/octet-stream';
		const name = file.name || null;
		let fields = { mime, encoding: 'base64', data: preview || '', encrypted: false };
		if (this.key) {
			fields = await e2e.seal(this.key, userId, id, { ...fields, blob: content, name });
		}
		// the name travels only inside an encrypted clip (the server keeps no file names); here it is kept for this device
		const item = { id, ...fields, blob, name, queuedAt: Date.now() + Math.random() / 1000 };
		this.pendingViews.set(id, view({ mime, encoding: 'base64', data: preview || '', blob, name, size: file.size }));
		await db.putOutbox(item);
		await this.render();
		await this.flush();
	}

	async remove(seq) {
		try {
			await api.deleteClip(seq);
		}
		catch (error) {
			if (error.status !== 404) {
				notify(error.message, 'error');
				return;
			}
		}
		this.raw.delete(seq);
		await db.deleteClip(seq);
		await this.render();
	}

	async clear() {
		try {
			await api.clearClips();
		}
		catch (error) {
			notify(error.message, 'error');
			return;
		}
		this.raw.clear();
		await db.clearClips();
		await this.render();
		notify('History cleared.');
	}

	async setPassphrase(passphrase) {
		this.key = await e2e.deriveKey(passphrase, session.get().userId);
		await db.set('e2eKey', this.key);
		update({ e2e: true });
		await this.render();
	}

	async forgetKey() {
		this.key = null;
		await db.remove('e2eKey');
		update({ e2e: false });
		await this.render();
	}

	async trim() {
		const seqs = [...this.raw.keys()].sort((a, b) => b - a);
		for (const seq of seqs.slice(KEEP)) {
			this.raw.delete(seq);
			await db.deleteClip(seq);
		}
	}

	/** What the page shows: newest first, opened when encrypted, sensitive ones only until they expire. */
	async render() {
		const userId = session.get()?.userId;
		const now = Date.now();
		const shown = [];
		for (const clip of this.raw.values()) {
			if (clip.sensitive) {
				const until = expiresAt(clip);
				if (until <= now) {
					this.raw.delete(clip.seq);
					db.deleteClip(clip.seq);
					continue;
				}
				this.expire(clip.seq, until - now);
			}
			let body = clip;
			let locked = false;
			if (clip.encrypted) {
				body = await e2e.open(this.key, userId, clip);
				locked = body === null;
				if (body && body.blob) {
					body.size = body.content ? body.content.size : e2e.plainSize(body.blob.size);
				}
			}
			else if (clip.blob && clip.name) {
				body = { ...clip, name: clip.name };
			}
			shown.push({ ...clip, locked, view: locked ? null : view(body) });
		}
		shown.sort((a, b) => b.seq - a.seq);
		const pending = (await db.outbox()).reverse().map((item) => ({
			...item, seq: null, pending: true, locked: false,
			view: this.pendingViews.has(item.id) ? this.pendingViews.get(item.id)
				: item.encrypted ? { kind: 'note', text: 'Encrypted clip waiting to be sent' } : view(item),
		}));
		update({ clips: [...pending, ...shown] });
	}

	expire(seq, inMs) {
		if (this.expiry.has(seq)) {
			return;
		}
		this.expiry.set(seq, setTimeout(() => {
			this.expiry.delete(seq);
			this.render();
		}, inMs + 50));
	}

	presence(devices) {
		const online = new Map(devices.map((device) => [device.deviceId, device]));
		const known = new Set(state.devices.map((device) => device.deviceId));
		update({ devices: merge(state.devices, online) });
		if (devices.some((device) => !known.has(device.deviceId))) {
			this.loadDevices(online);
		}
		this.online = online;
	}

	async loadDevices(online = this.online || new Map()) {
		try {
			const [list, presence] = await Promise.all([api.devices(), api.presence().catch(() => null)]);
			if (presence && !this.online) {
				online = new Map(presence.devices.map((device) => [device.deviceId, device]));
			}
			update({ devices: merge(list.map((device) => ({ ...device })), online) });
		}
		catch (error) {
			if (error.code !== 'signed_out') {
				notify(error.message, 'error');
			}
		}
	}

	async revoke(deviceId) {
		await api.revokeDevice(deviceId);
		update({ devices: state.devices.filter((device) => device.deviceId !== deviceId) });
	}

	/** The bytes of a file clip as shown (`clip.view`), for Download and Copy. */
	fetchFile(clip, onProgress) {
		return blobs.download(clip, { key: this.key, userId: session.get().userId, mime: clip.view.mime,
			content: clip.view.content, onProgress });
	}

	/** Text and files shared to the installed app (Android share sheet), saved by the service worker. */
	async takeShared() {
		for (const entry of await shared.take()) {
			if (entry.file) {
				try {
					await this.sendFile(entry.file);
					notify('Shared file sent.');
				}
				catch (error) {
					notify(error.message, 'error');
				}
				continue;
			}
			await this.send(entry.text);
			notify('Shared text sent.');
		}
	}
}

function merge(devices, online) {
	return devices.map((device) => {
		const live = online.get(device.deviceId);
		return {
			...device,
			online: Boolean(live && live.online),
			connections: live ? live.connections : 0,
			lastSeen: (live && live.lastSeen) || device.lastSeenAt || device.lastSeen || null,
		};
	}).sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
}

export function expiresAt(clip) {
	const created = Date.parse(clip.createdAt);
	const from = Number.isFinite(created) && created <= clip.receivedAt + 5_000 ? created : clip.receivedAt;
	return from + SENSITIVE_TTL_MS;
}

/**
 * How a clip's content is shown: text, an image, a file fetched on demand (with its
 * thumbnail when it came with one), or a note on what it is.
 */
function view(body) {
	if (body.blob) {
		return { kind: 'file', mime: body.mime, size: body.size ?? body.blob.size, name: body.name || null,
			content: body.content || null, preview: previewSource(body) };
	}
	if (body.encoding === 'base64') {
		if (/^image\/(png|jpeg|gif|webp)$/.test(body.mime)) {
			return { kind: 'image', src: 'data:' + body.mime + ';base64,' + body.data };
		}
		return { kind: 'note', text: body.mime + ', ' + Math.round(body.data.length * 0.75) + ' bytes' };
	}
	return { kind: 'text', text: body.data };
}

const PREVIEW_TYPES = [['iVBORw0KGgo', 'image/png'], ['/9j/', 'image/jpeg'], ['R0lGOD', 'image/gif'],
	['UklGR', 'image/webp']];

/** The inline thumbnail as an image source; its type told by its first bytes, so nothing else is shown. */
function previewSource(body) {
	if (body.encoding !== 'base64' || !body.data) {
		return null;
	}
	const type = PREVIEW_TYPES.find(([start]) => body.data.startsWith(start));
	return type ? 'data:' + type[1] + ';base64,' + body.data : null;
}
