// Text and files shared to the installed app. The service worker (sw.js) receives the share
// sheet's POST and keeps them here; the page sends them as clips and removes them. A database of
// its own, so the worker needs none of the page's modules.

export const NAME = 'clipsync-share';

function open() {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open(NAME, 1);
		request.onupgradeneeded = () => request.result.createObjectStore('shared', { autoIncrement: true });
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

/** Every shared entry, removed from the store in the same transaction. */
export async function take() {
	const db = await open();
	return new Promise((resolve, reject) => {
		const tx = db.transaction('shared', 'readwrite');
		const all = tx.objectStore('shared').getAll();
		tx.objectStore('shared').clear();
		tx.oncomplete = () => {
			db.close();
			resolve(all.result.filter((entry) => (typeof entry.text === 'string' && entry.text.length > 0)
					|| entry.file instanceof Blob));
		};
		tx.onerror = () => reject(tx.error);
	});
}
