// REST calls to the fleet, one origin. Problems (RFC 9457) become ApiError with the stable
// `code`; a network failure becomes ApiError 'network'. Nothing here touches the DOM.

import * as session from './session.js';

export class ApiError extends Error {
	constructor(status, code, message, problem = null) {
		super(message);
		this.status = status;
		this.code = code;
		this.problem = problem;
	}
}

const DEFAULT_PATHS = {
	auth: '/v1/auth',
	sync: '/v1/sync',
	clips: '/v1/clips',
	presence: '/v1/presence',
	devices: '/v1/devices',
	account: '/v1/account',
	blobs: '/v1/blobs',
};

let discovery = null;
let discoveredAt = 0;

/** Where each part of the API lives; a missing key is its default path (PROTOCOL.md). */
export async function endpoints() {
	if (!discovery || Date.now() - discoveredAt > 5 * 60_000) {
		let found = {};
		try {
			const response = await fetch('/.well-known/clipsync', { cache: 'no-store' });
			if (response.ok) {
				found = await response.json();
			}
		}
		catch {
			// offline: the defaults are right for the one-origin deployments
		}
		discovery = { ...DEFAULT_PATHS };
		for (const key of Object.keys(DEFAULT_PATHS)) {
			if (typeof found[key] === 'string' && sameOrigin(found[key])) {
				discovery[key] = found[key];
			}
		}
		discoveredAt = found.api ? Date.now() : 0;
	}
	return discovery;
}

// The page's Content-Security-Policy allows connections to its own origin only, so an
// absolute URL elsewhere is useless here: the default path on this origin is tried instead.
function sameOrigin(value) {
	const target = new URL(value, location.href);
	const http = target.protocol.replace(/^ws/, 'http');
	return http === location.protocol && target.host === location.host;
}

export async function syncUrl() {
	const url = new URL((await endpoints()).sync, location.href);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	return url.href;
}

export async function url(part, suffix = '') {
	return new URL((await endpoints())[part] + suffix, location.href).href;
}

/** One request; `auth` adds the bearer token and retries once after a refresh on 401. */
async function call(method, target, { body, auth = false, retried = false } = {}) {
	const headers = {};
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
	}
	if (auth) {
		headers.Authorization = 'Bearer ' + (await session.accessToken());
	}
	let response;
	try {
		response = await fetch(target, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			cache: 'no-store',
			credentials: 'omit',
		});
	}
	catch {
		throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.');
	}
	if (response.status === 401 && auth && !retried) {
		await session.refresh({ force: true });
		return call(method, target, { body, auth, retried: true });
	}
	if (response.status === 204) {
		return null;
	}
	const type = response.headers.get('Content-Type') || '';
	const json = type.includes('json') ? await response.json().catch(() => null) : null;
	if (!response.ok) {
		const problem = json || {};
		const code = problem.code || (response.status === 429 ? 'rate_limited' : 'http_' + response.status);
		throw new ApiError(response.status, code, describe(response, problem), problem);
	}
	return json;
}

export function describe(response, problem) {
	if (problem.errors && problem.errors.length) {
		return problem.errors.map((error) => error.message).join(' ');
	}
	if (response.status === 429) {
		const wait = response.headers.get('Retry-After');
		return 'Too many attempts. Try again' + (wait ? ' in ' + wait + ' s.' : ' later.');
	}
	if (response.status >= 500) {
		return 'The server is unavailable right now. Try again shortly.';
	}
	return problem.detail || problem.title || 'The request failed (' + response.status + ').';
}

export async function register(email, password) {
	return call('POST', await url('auth', '/register'), { body: { email, password } });
}

export async function login(email, password, device) {
	return call('POST', await url('auth', '/login'), { body: { email, password, ...device } });
}

/** Never retried: a refresh token is good for one use (a second use revokes the device). */
export async function refresh(refreshToken) {
	return call('POST', await url('auth', '/refresh'), { body: { refreshToken } });
}

export async function logout(accessToken) {
	const response = await fetch(await url('auth', '/logout'), {
		method: 'POST',
		headers: { Authorization: 'Bearer ' + accessToken },
		credentials: 'omit',
	});
	return response.status;
}

export async function devices() {
	return call('GET', await url('devices'), { auth: true });
}

export async function revokeDevice(deviceId) {
	return call('DELETE', await url('devices', '/' + encodeURIComponent(deviceId)), { auth: true });
}

export async function presence() {
	return call('GET', await url('presence'), { auth: true });
}

export async function deleteAccount(password) {
	return call('DELETE', await url('account'), { body: { password }, auth: true });
}

export async function clips(after, limit = 200) {
	return call('GET', await url('clips', '?after=' + after + '&limit=' + limit), { auth: true });
}

export async function deleteClip(seq) {
	return call('DELETE', await url('clips', '/' + seq), { auth: true });
}

export async function clearClips() {
	return call('DELETE', await url('clips'), { auth: true });
}

/** Is the token still accepted? For a WebSocket refused at the handshake, whose status JS never sees. */
export async function tokenAccepted(accessToken) {
	try {
		const response = await fetch(await url('clips', '/latest'), {
			headers: { Authorization: 'Bearer ' + accessToken },
			cache: 'no-store',
			credentials: 'omit',
		});
		return response.status !== 401;
	}
	catch {
		return true;
	}
}
