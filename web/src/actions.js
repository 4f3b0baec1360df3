// What the user can do, for the components to call: sign in, register, sign out, delete
// the account, and the feed of the signed-in session.

import * as api from './api.js';
import * as db from './db.js';
import * as session from './session.js';
import { Feed } from './feed.js';
import { update, notify } from './store.js';

export let feed = null;

// Tabs of one browser share the session: a sign-out in one ends it in all.
const tabs = 'BroadcastChannel' in self ? new BroadcastChannel('clipsync') : null;

session.onSignedOut((reason) => {
	if (feed) {
		feed.end();
		feed = null;
	}
	tabs?.postMessage({ type: 'signed-out', reason });
	update({ phase: 'signed-out', account: null, clips: [], devices: [], e2e: false, connection: 'offline',
		signedOutReason: reason || '' });
});

tabs?.addEventListener('message', (event) => {
	if (event.data?.type === 'signed-out' && session.get()) {
		session.end(event.data.reason);
	}
	if (event.data?.type === 'signed-in' && !session.get()) {
		boot();
	}
});

export async function boot() {
	const current = await session.load();
	if (!current) {
		update({ phase: 'signed-out' });
		return;
	}
	await begin(current);
}

async function begin(current) {
	update({
		phase: 'signed-in',
		signedOutReason: '',
		account: { userId: current.userId, deviceId: current.deviceId, email: current.email,
			deviceName: current.deviceName },
	});
	feed = new Feed();
	await feed.begin();
}

export async function signIn(email, password, deviceName) {
	const known = await db.get('device:' + email.trim().toLowerCase());
	let pair;
	if (known && known.deviceName === deviceName) {
		try {
			pair = await api.login(email, password, { deviceId: known.deviceId });
		}
		catch (error) {
			if (error.code !== 'device_revoked') {
				throw error;
			}
		}
	}
	if (!pair) {
		pair = await api.login(email, password, { device: { name: deviceName, platform: 'web' } });
	}
	const current = await session.start(pair, email.trim(), deviceName);
	tabs?.postMessage({ type: 'signed-in' });
	await begin(current);
}

export async function register(email, password, deviceName) {
	await api.register(email, password);
	await signIn(email, password, deviceName);
}

export async function signOut() {
	const current = session.get();
	// stop syncing first: the server closes this device's connections on logout (4403),
	// which must not read as having been signed out from elsewhere
	feed?.end();
	if (current) {
		try {
			await api.logout(await session.accessToken());
		}
		catch {
			// offline: the tokens are forgotten here all the same
		}
	}
	await session.end('You signed out.');
}

export async function deleteAccount(password) {
	await api.deleteAccount(password);
	await session.end('Your account was deleted.', { forgetDevice: true });
}

export async function revoke(deviceId) {
	if (deviceId === session.get()?.deviceId) {
		await feed.revoke(deviceId);
		await session.end('This device was removed from your account.', { forgetDevice: true });
		return;
	}
	await feed.revoke(deviceId);
	notify('Device removed. It is signed out.');
}
