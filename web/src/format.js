// Times and names as people read them.

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function ago(iso) {
	const at = Date.parse(iso);
	if (!Number.isFinite(at)) {
		return 'never';
	}
	const seconds = Math.round((at - Date.now()) / 1000);
	const units = [['day', 86400], ['hour', 3600], ['minute', 60]];
	for (const [unit, size] of units) {
		if (Math.abs(seconds) >= size) {
			return relative.format(Math.round(seconds / size), unit);
		}
	}
	return Math.abs(seconds) < 10 ? 'just now' : relative.format(seconds, 'second');
}

export function exact(iso) {
	const at = new Date(iso);
	return Number.isNaN(at.getTime()) ? '' : at.toLocaleString();
}

/** A name for this browser, offered as the device name at sign-in. */
export function suggestedDeviceName() {
	const agent = navigator.userAgent;
	const browser = /Edg\//.test(agent) ? 'Edge' : /Firefox\//.test(agent) ? 'Firefox'
		: /Chrome\/|Chromium\//.test(agent) ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : 'Browser';
	const system = /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS'
		: /Mac OS X/.test(agent) ? 'Mac' : /Windows/.test(agent) ? 'Windows' : /Linux/.test(agent) ? 'Linux' : '';
	return system ? browser + ' on ' + system : browser;
}
