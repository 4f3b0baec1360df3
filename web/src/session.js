// The signed-in session: tokens, kept in IndexedDB so a phone does not ask for the password
// at every visit (see docs/web.md for why IndexedDB and not a cookie or memory only).
// Refresh tokens are good for one use, so tabs refresh one at a time under a Web Lock and
// adopt a pair another tab already got instead of spending the old token twice.

import * as db from './db.js';
import * as api from './api.js';

// Refresh when a minute is left, spread over up to 30 s more so tabs do not collide; for
// tokens shorter than three minutes (an operator's choice), a third and a sixth of their
// lifetime, so a short token is not refreshed again the moment it arrives.
const EARLY_MS = 60_000;
const SPREAD_MS = 30_000;

function early(session) {
	return Math.min(EARLY_MS, (session.accessLifetimeMs ?? Infinity) / 3);
}

function spread(session) {
	return Math.min(SPREAD_MS, (session.accessLifetimeMs ?? Infinity) / 6);
}

let current = null;
let timer = null;
const refreshedListeners = new Set();
const signedOutListeners = new Set();

export async function load() {
	current = (await db.get('session')) || null;
	schedule();
	return current;
}

export function get() {
	return current;
}

/** Called with each new access token; returns a function that stops the calls. */
export function onRefreshed(listener) {
	refreshedListeners.add(listener);
	return () => refreshedListeners.delete(listener);
}

export function onSignedOut(listener) {
	signedOutListeners.add(listener);
}

/** A token pair from login becomes this page's session. */
export async function start(pair, email, deviceName) {
	current = fromPair(pair, { email, deviceName });
	await db.set('session', current);
	await db.set('device:' + email.trim().toLowerCase(), { deviceId: pair.deviceId, deviceName });
	schedule();
	return current;
}

function fromPair(pair, rest) {
	return {
		...rest,
		userId: pair.userId,
		deviceId: pair.deviceId,
		accessToken: pair.accessToken,
		accessExpiresAt: Date.now() + pair.expiresIn * 1000,
		accessLifetimeMs: pair.expiresIn * 1000,
		refreshToken: pair.refreshToken,
	};
}

/** A token with at least a minute left, refreshed first when needed. */
export async function accessToken() {
	if (!current) {
		throw new api.ApiError(401, 'signed_out', 'You are signed out.');
	}
	if (current.accessExpiresAt - Date.now() < early(current)) {
		await refresh();
	}
	return current.accessToken;
}

export async function refresh({ force = false } = {}) {
	const mine = current;
	if (!mine) {
		throw new api.ApiError(401, 'signed_out', 'You are signed out.');
	}
	const work = async () => {
		const stored = await db.get('session');
		if (!stored || stored.userId !== mine.userId) {
			await end('You were signed out in another window.');
			throw new api.ApiError(401, 'signed_out', 'You are signed out.');
		}
		const fresh = stored.accessExpiresAt - Date.now() >= early(stored);
		if (stored.refreshToken !== mine.refreshToken && fresh) {
			// another tab refreshed meanwhile: its pair is ours too
			current = stored;
			emitRefreshed();
			return;
		}
		if (!force && fresh) {
			current = stored;
			return;
		}
		let pair;
		try {
			pair = await api.refresh(stored.refreshToken);
		}
		catch (error) {
			if (error.status === 401 || error.status === 400) {
				await end('Your session ended. Sign in again.');
			}
			throw error;
		}
		current = fromPair(pair, { email: stored.email, deviceName: stored.deviceName });
		await db.set('session', current);
		emitRefreshed();
	};
	if (navigator.locks) {
		await navigator.locks.request('clipsync-refresh', work);
	}
	else {
		await work();
	}
	schedule();
}

function emitRefreshed() {
	for (const listener of refreshedListeners) {
		listener(current.accessToken);
	}
}

/** Refresh a little before the access token expires, spread so tabs do not collide. */
function schedule() {
	clearTimeout(timer);
	if (!current) {
		return;
	}
	const due = current.accessExpiresAt - early(current) - Math.random() * spread(current) - Date.now();
	timer = setTimeout(() => {
		refresh({ force: true }).catch(() => {
			// offline: try again soon; the connection refreshes on its own when it needs to
			clearTimeout(timer);
			timer = setTimeout(schedule, 30_000);
		});
	}, Math.max(5_000, due));
}

/** Signs out locally: tokens, clips and key are forgotten; the device's name is kept. */
export async function end(reason, { forgetDevice = false } = {}) {
	clearTimeout(timer);
	const was = current;
	current = null;
	await db.forgetAccount();
	if (forgetDevice && was) {
		await db.remove('device:' + was.email.trim().toLowerCase());
	}
	for (const listener of signedOutListeners) {
		listener(reason);
	}
}
