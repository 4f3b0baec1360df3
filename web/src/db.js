// IndexedDB: what survives a reload. The session (tokens), the last seq this device holds,
// the clips it shows, the outbox of pushes not yet acked, and the end-to-end key (a
// non-extractable CryptoKey: scripts can use it, but its bytes can never be read back).

const NAME = 'clipsync';
const VERSION = 1;

let opening = null;

function open() {
	if (!opening) {
		opening = new Promise((resolve, reject) => {
			const request = indexedDB.open(NAME, VERSION);
			request.onupgradeneeded = () => {
				const db = request.result;
				db.createObjectStore('kv');
				db.createObjectStore('clips', { keyPath: 'seq' });
				db.createObjectStore('outbox', { keyPath: 'id' });
			};
			request.onsuccess = () => {
				const db = request.result;
				// another tab upgrading: let it, and open again next time
				db.onversionchange = () => {
					db.close();
					opening = null;
				};
				resolve(db);
			};
			request.onerror = () => reject(request.error);
		});
	}
	return opening;
}

function done(request) {
	return new Promise((resolve, reject) => {
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

async function store(name, mode = 'readonly') {
	const db = await open();
	return db.transaction(name, mode).objectStore(name);
}

export async function get(key) {
	return done((await store('kv')).get(key));
}

export async function set(key, value) {
	return done((await store('kv', 'readwrite')).put(value, key));
}

export async function remove(key) {
	return done((await store('kv', 'readwrite')).delete(key));
}

export async function allClips() {
	return done((await store('clips')).getAll());
}

export async function putClip(clip) {
	return done((await store('clips', 'readwrite')).put(clip));
}

export async function deleteClip(seq) {
	return done((await store('clips', 'readwrite')).delete(seq));
}

export async function clearClips() {
	return done((await store('clips', 'readwrite')).clear());
}

export async function outbox() {
	const items = await done((await store('outbox')).getAll());
	return items.sort((a, b) => a.queuedAt - b.queuedAt);
}

export async function putOutbox(item) {
	return done((await store('outbox', 'readwrite')).put(item));
}

export async function deleteOutbox(id) {
	return done((await store('outbox', 'readwrite')).delete(id));
}

/** Everything of the signed-in account, for sign-out and account deletion. */
export async function forgetAccount() {
	const db = await open();
	const tx = db.transaction(['kv', 'clips', 'outbox'], 'readwrite');
	for (const key of ['session', 'lastSeq', 'e2eKey']) {
		tx.objectStore('kv').delete(key);
	}
	tx.objectStore('clips').clear();
	tx.objectStore('outbox').clear();
	return new Promise((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error);
	});
}
