// Entry point: the components, the service worker, and the session if there is one.

import './components/cs-app.js';
import { boot, feed } from './actions.js';
import { notify } from './store.js';

if ('serviceWorker' in navigator) {
	navigator.serviceWorker.register('/sw.js').catch(() => {
		// no offline shell (a private window, say); the app works without it
	});
	navigator.serviceWorker.addEventListener('message', (event) => {
		if (event.data?.type === 'shared' && feed) {
			feed.takeShared();
		}
	});
}

if (location.search === '?shared') {
	history.replaceState(null, '', '/');
}

boot().catch(() => notify('ClipSync could not start. Reload the page.', 'error'));
