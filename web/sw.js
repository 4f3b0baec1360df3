// ClipSync service worker: the app shell offline, and the Web Share Target. It never
// touches the API (/v1/, /.well-known/): those always go to the network, and it never sees
// a token.

const SHELL_CACHE = 'clipsync-shell-v2';
const SHELL = [
	'/',
	'/index.html',
	'/styles.css',
	'/manifest.webmanifest',
	'/icons/icon-192.png',
	'/icons/icon-512.png',
	'/icons/maskable-512.png',
	'/icons/apple-touch-icon.png',
	'/src/main.js',
	'/src/store.js',
	'/src/db.js',
	'/src/api.js',
	'/src/session.js',
	'/src/sync.js',
	'/src/feed.js',
	'/src/e2e.js',
	'/src/blobs.js',
	'/src/shared.js',
	'/src/format.js',
	'/src/dom.js',
	'/src/actions.js',
	'/src/components/cs-app.js',
	'/src/components/cs-sign-in.js',
	'/src/components/cs-status.js',
	'/src/components/cs-send.js',
	'/src/components/cs-feed.js',
	'/src/components/cs-clip.js',
	'/src/components/cs-devices.js',
	'/src/components/cs-settings.js',
	'/src/components/cs-notice.js',
];

self.addEventListener('install', (event) => {
	event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
	event.waitUntil(caches.keys()
		.then((keys) => Promise.all(keys.filter((key) => key !== SHELL_CACHE).map((key) => caches.delete(key))))
		.then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	if (url.origin !== location.origin) {
		return;
	}
	if (event.request.method === 'POST' && url.pathname === '/share') {
		event.respondWith(share(event.request));
		return;
	}
	if (event.request.method !== 'GET' || url.pathname.startsWith('/v1/') || url.pathname.startsWith('/.well-known/')) {
		return;
	}
	event.respondWith(shell(event.request, url));
});

/** The network first, so a new version shows at once; the cached copy when offline. */
async function shell(request, url) {
	const cache = await caches.open(SHELL_CACHE);
	try {
		const response = await fetch(request);
		if (response.ok && SHELL.includes(url.pathname)) {
			cache.put(request, response.clone());
		}
		return response;
	}
	catch (error) {
		const cached = await cache.match(request.mode === 'navigate' ? '/' : request, { ignoreSearch: true });
		if (cached) {
			return cached;
		}
		throw error;
	}
}

/** Android's share sheet posts title, text, url and files here (manifest share_target). */
async function share(request) {
	try {
		const form = await request.formData();
		// files are kept as they are (IndexedDB stores a File); the page uploads them
		for (const file of form.getAll('file')) {
			if (file instanceof File && file.size > 0) {
				await keep({ file, at: Date.now() });
			}
		}
		const parts = ['text', 'url', 'title'].map((name) => (form.get(name) || '').toString().trim());
		const [text, link, title] = parts;
		let clip = text || title;
		if (link && !clip.includes(link)) {
			clip = clip ? clip + '\n' + link : link;
		}
		if (clip) {
			await keep({ text: clip, at: Date.now() });
		}
		const windows = await self.clients.matchAll({ type: 'window' });
		for (const client of windows) {
			client.postMessage({ type: 'shared' });
		}
	}
	catch {
		// a malformed share: nothing to keep, the app opens all the same
	}
	return Response.redirect('/?shared', 303);
}

function keep(entry) {
	return new Promise((resolve, reject) => {
		const open = indexedDB.open('clipsync-share', 1);
		open.onupgradeneeded = () => open.result.createObjectStore('shared', { autoIncrement: true });
		open.onerror = () => reject(open.error);
		open.onsuccess = () => {
			const db = open.result;
			const tx = db.transaction('shared', 'readwrite');
			tx.objectStore('shared').add(entry);
			tx.oncomplete = () => {
				db.close();
				resolve();
			};
			tx.onerror = () => reject(tx.error);
		};
	});
}
