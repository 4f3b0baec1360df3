// The page: the sign-in form, or the signed-in app with its sections (tabs on a phone,
// side by side on a wide screen).

import { h } from '../dom.js';
import { state, subscribe } from '../store.js';
import './cs-sign-in.js';
import './cs-status.js';
import './cs-send.js';
import './cs-feed.js';
import './cs-devices.js';
import './cs-settings.js';
import './cs-notice.js';

const TABS = [
	['clips', 'Clips'],
	['devices', 'Devices'],
	['settings', 'Settings'],
];

class CsApp extends HTMLElement {
	connectedCallback() {
		this.phase = null;
		this.tab = 'clips';
		this.unsubscribe = subscribe(() => this.update());
		this.update();
	}

	disconnectedCallback() {
		this.unsubscribe();
	}

	update() {
		if (state.phase === this.phase) {
			return;
		}
		this.phase = state.phase;
		this.replaceChildren();
		if (state.phase === 'loading') {
			this.append(h('main', { id: 'main', class: 'loading', 'aria-busy': 'true' }, h('p', {}, 'Loading…')));
			return;
		}
		const header = h('header', { class: 'top' }, h('h1', {}, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'ClipSync'));
		if (state.phase === 'signed-out') {
			this.append(header, h('main', { id: 'main', class: 'narrow' }, h('cs-sign-in')), h('cs-notice'));
			this.querySelector('cs-sign-in input')?.focus();
			return;
		}
		header.append(h('cs-status'));
		this.tabs = TABS.map(([id, label]) => h('button', {
			id: 'tab-' + id, role: 'tab', type: 'button', 'aria-controls': 'panel-' + id,
			onclick: () => this.show(id), onkeydown: (event) => this.arrows(event, id),
		}, label));
		this.panels = {
			clips: h('section', { id: 'panel-clips', role: 'tabpanel', 'aria-labelledby': 'tab-clips', class: 'panel clips' },
					h('cs-send'), h('cs-feed')),
			devices: h('section', { id: 'panel-devices', role: 'tabpanel', 'aria-labelledby': 'tab-devices',
				class: 'panel devices' }, h('cs-devices')),
			settings: h('section', { id: 'panel-settings', role: 'tabpanel', 'aria-labelledby': 'tab-settings',
				class: 'panel settings' }, h('cs-settings')),
		};
		this.append(header,
				h('main', { id: 'main', class: 'app' }, ...Object.values(this.panels)),
				h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Sections' }, ...this.tabs),
				h('cs-notice'));
		this.show(this.tab, false);
	}

	show(id, focus = true) {
		this.tab = id;
		for (const tab of this.tabs) {
			const selected = tab.id === 'tab-' + id;
			tab.setAttribute('aria-selected', String(selected));
			tab.tabIndex = selected ? 0 : -1;
			if (selected && focus) {
				tab.focus();
			}
		}
		for (const [name, panel] of Object.entries(this.panels)) {
			panel.classList.toggle('active', name === id);
		}
	}

	/** Arrow keys move between tabs, as screen-reader users expect of a tab list. */
	arrows(event, id) {
		const index = TABS.findIndex(([name]) => name === id);
		const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
		if (step) {
			event.preventDefault();
			this.show(TABS[(index + step + TABS.length) % TABS.length][0]);
		}
	}
}

customElements.define('cs-app', CsApp);
