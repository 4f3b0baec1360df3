// The account's devices: online or when last seen, and removing (revoking) one.

import { h, confirmDialog } from '../dom.js';
import { state, subscribe, notify } from '../store.js';
import { revoke } from '../actions.js';
import { ago, exact } from '../format.js';

class CsDevices extends HTMLElement {
	connectedCallback() {
		this.list = h('ul', { class: 'devices', 'aria-label': 'Your devices' });
		this.replaceChildren(h('h2', {}, 'Devices'), this.list);
		this.unsubscribe = subscribe(() => this.update());
		this.update();
		this.ticker = setInterval(() => this.update(true), 30_000);
	}

	disconnectedCallback() {
		this.unsubscribe();
		clearInterval(this.ticker);
	}

	update(force = false) {
		if (!force && this.shown === state.devices) {
			return;
		}
		this.shown = state.devices;
		this.list.replaceChildren(...state.devices.map((device) => this.item(device)));
	}

	item(device) {
		const current = device.deviceId === state.account?.deviceId;
		const seen = device.online ? 'Online' + (device.connections > 1 ? ' (' + device.connections + ' windows)' : '')
			: device.lastSeen ? 'Last seen ' + ago(device.lastSeen) : 'Never connected';
		return h('li', { class: 'device', 'data-device-id': device.deviceId },
				h('span', { class: 'dot' + (device.online ? ' on' : ''), 'aria-hidden': 'true' }),
				h('div', { class: 'grow' },
						h('p', { class: 'name' }, device.name, current ? h('span', { class: 'badge' }, 'This device') : null),
						h('p', { class: 'meta' }, device.platform + ' · ',
								h('span', { title: device.lastSeen ? exact(device.lastSeen) : '' }, seen))),
				h('button', { type: 'button', class: 'secondary danger revoke', 'aria-label': 'Remove ' + device.name,
					onclick: () => this.revoke(device, current) }, 'Remove'));
	}

	async revoke(device, current) {
		const question = current ? 'Remove this device? You will be signed out here.'
			: 'Remove "' + device.name + '"? It is signed out at once and cannot sign in again as this device.';
		if (!(await confirmDialog(question, 'Remove', { danger: true }))) {
			return;
		}
		try {
			await revoke(device.deviceId);
		}
		catch (error) {
			notify(error.message, 'error');
		}
	}
}

customElements.define('cs-devices', CsDevices);
