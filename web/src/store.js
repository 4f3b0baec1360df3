// The one place the page's state lives. Components read `state` and re-render on change;
// everything that changes it goes through `update`, so a change is always announced.

const listeners = new Set();

export const state = {
	/** 'loading' | 'signed-out' | 'signed-in' */
	phase: 'loading',
	/** {userId, deviceId, email, deviceName} once signed in */
	account: null,
	/** 'offline' | 'connecting' | 'online' | 'waiting' */
	connection: 'offline',
	connectionDetail: '',
	/** clips newest first: {seq, id, from, mime, data, encoding, encrypted, sensitive, createdAt, text, locked, pending} */
	clips: [],
	/** devices with presence: {deviceId, name, platform, online, connections, lastSeen, current} */
	devices: [],
	/** true when an end-to-end key is set on this device */
	e2e: false,
	/** a short message for the user: {text, kind: 'info'|'error'} */
	notice: null,
	/** why the user was signed out, shown on the sign-in form */
	signedOutReason: '',
};

export function update(changes) {
	Object.assign(state, changes);
	for (const listener of listeners) {
		listener(state);
	}
}

export function subscribe(listener) {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

export function notify(text, kind = 'info') {
	update({ notice: { text, kind, at: Date.now() } });
}
