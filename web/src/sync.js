// The sync connection: one WebSocket, the same rules as the Java SDK. Reconnect with full
// jitter (500 ms doubling to 20 s), resume by the last seq held, a watchdog that gives up
// on a socket silent for 2.5 heartbeats, tokens swapped in-band, close codes obeyed.
// It knows nothing of the page: messages go to the handlers, in order, one at a time.

import * as api from './api.js';
import * as session from './session.js';

const BASE_MS = 500;
const CAP_MS = 20_000;

/** Full jitter: anywhere between 0 and the capped exponential. */
export function backoff(attempt) {
	return Math.random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt);
}

export class SyncConnection {
	/**
	 * @param handlers {onState(phase, detail), onWelcome(welcome), onMessage(message), onSignedOut(reason)}
	 * @param resumeFrom () => the last seq held, for the handshake
	 */
	constructor(handlers, resumeFrom) {
		this.handlers = handlers;
		this.resumeFrom = resumeFrom;
		this.socket = null;
		this.welcomed = false;
		this.running = false;
		this.attempt = 0;
		this.retryTimer = null;
		this.watchdog = null;
		this.lastHeard = 0;
		this.heartbeatMs = 25_000;
		this.queue = Promise.resolve();
		this.onOnline = () => this.now();
		this.onOffline = () => this.drop('offline', 'You are offline. Clips will arrive when you are back.');
		this.onVisible = () => {
			if (document.visibilityState === 'visible') {
				if (this.socket && this.welcomed) {
					this.send({ type: 'ping' });
				}
				else if (!this.socket) {
					this.now();
				}
			}
		};
	}

	start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.stopTokens = session.onRefreshed((token) => this.send({ type: 'auth', token }));
		addEventListener('online', this.onOnline);
		addEventListener('offline', this.onOffline);
		document.addEventListener('visibilitychange', this.onVisible);
		this.connect();
	}

	stop() {
		this.running = false;
		this.stopTokens?.();
		removeEventListener('online', this.onOnline);
		removeEventListener('offline', this.onOffline);
		document.removeEventListener('visibilitychange', this.onVisible);
		clearTimeout(this.retryTimer);
		this.drop('offline', '');
	}

	/** Sends when the session is open; false otherwise (the caller keeps it for later). */
	send(message) {
		if (this.socket && this.welcomed && this.socket.readyState === WebSocket.OPEN) {
			this.socket.send(JSON.stringify(message));
			return true;
		}
		return false;
	}

	get open() {
		return Boolean(this.socket && this.welcomed);
	}

	/** Connect at once (back online, page shown again), forgetting the backoff. */
	now() {
		if (!this.running || this.socket) {
			return;
		}
		clearTimeout(this.retryTimer);
		this.attempt = 0;
		this.connect();
	}

	async connect() {
		if (!this.running || this.socket) {
			return;
		}
		if (!navigator.onLine) {
			this.handlers.onState('offline', 'You are offline. Clips will arrive when you are back.');
			return;
		}
		this.handlers.onState('connecting', 'Connecting…');
		let token;
		let url;
		try {
			token = await session.accessToken();
			url = await api.syncUrl();
		}
		catch (error) {
			if (error.code !== 'signed_out') {
				this.retry();
			}
			return;
		}
		if (!this.running || this.socket) {
			return;
		}
		const resume = this.resumeFrom();
		if (resume !== null) {
			url += '?after=' + resume;
		}
		// The token rides in a subprotocol: browsers cannot set headers, and a URL ends up in logs.
		const socket = new WebSocket(url, ['clipsync.v1', 'bearer.' + token]);
		this.socket = socket;
		this.welcomed = false;
		socket.onmessage = (event) => this.receive(socket, event.data);
		socket.onclose = (event) => this.closed(socket, event.code, token);
	}

	receive(socket, text) {
		if (socket !== this.socket) {
			return;
		}
		this.lastHeard = Date.now();
		let message;
		try {
			message = JSON.parse(text);
		}
		catch {
			return;
		}
		if (message.type === 'welcome') {
			this.welcomed = true;
			this.heartbeatMs = (message.heartbeatSeconds || 25) * 1000;
			this.watch(socket);
			this.handlers.onState('online', 'Connected');
		}
		if (message.type === 'synced') {
			// a session that got this far is healthy: the next failure starts from a short delay
			this.attempt = 0;
		}
		if (message.type === 'pong') {
			return;
		}
		this.queue = this.queue.then(() => message.type === 'welcome' ? this.handlers.onWelcome(message)
				: this.handlers.onMessage(message)).catch((error) => console.warn('ClipSync: message not handled', error));
	}

	/** Ping every heartbeat; a socket silent for 2.5 heartbeats is dead even if the browser has not noticed. */
	watch(socket) {
		clearInterval(this.watchdog);
		this.watchdog = setInterval(() => {
			if (socket !== this.socket) {
				return;
			}
			if (Date.now() - this.lastHeard > this.heartbeatMs * 2.5) {
				this.drop('waiting', 'The connection went quiet. Reconnecting…');
				this.retry();
				return;
			}
			this.send({ type: 'ping' });
		}, Math.max(1000, this.heartbeatMs));
	}

	/** Forget the socket now; its close event, whenever it comes, is ignored. */
	drop(phase, detail) {
		clearInterval(this.watchdog);
		const socket = this.socket;
		this.socket = null;
		this.welcomed = false;
		if (socket) {
			socket.onmessage = null;
			socket.onclose = null;
			socket.close(1000);
		}
		this.handlers.onState(phase, detail);
	}

	async closed(socket, code, token) {
		if (socket !== this.socket) {
			return;
		}
		const welcomed = this.welcomed;
		this.socket = null;
		this.welcomed = false;
		clearInterval(this.watchdog);
		if (!this.running) {
			return;
		}
		switch (code) {
			case 4403:
				this.running = false;
				this.handlers.onSignedOut('This device was signed out: removed from another device, password changed, or account deleted.');
				return;
			case 4401:
				await this.refreshed();
				break;
			case 4429:
				this.handlers.onState('waiting', 'Too many windows of this account are open. Close some.');
				this.attempt = Math.max(this.attempt, 5);
				break;
			default:
				if (!welcomed && code === 1006 && !(await api.tokenAccepted(token))) {
					// refused at the handshake (401): a browser never shows us the status
					await this.refreshed();
				}
		}
		if (this.running) {
			this.retry();
		}
	}

	async refreshed() {
		try {
			await session.refresh({ force: true });
		}
		catch (error) {
			if (error.code === 'signed_out' || error.status === 401) {
				this.running = false;
			}
		}
	}

	retry() {
		if (!this.running) {
			return;
		}
		clearTimeout(this.retryTimer);
		const delay = backoff(this.attempt++);
		this.handlers.onState('waiting', 'Reconnecting…');
		this.retryTimer = setTimeout(() => this.connect(), delay);
	}
}
