// The connection, as a dot and a word, announced politely to screen readers.

import { h } from '../dom.js';
import { state, subscribe } from '../store.js';

const LABELS = { online: 'Live', connecting: 'Connecting', waiting: 'Reconnecting', offline: 'Offline' };

class CsStatus extends HTMLElement {
	connectedCallback() {
		this.dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
		this.label = h('span', { class: 'label' });
		this.replaceChildren(h('span', { role: 'status', class: 'status' }, this.dot, this.label));
		this.unsubscribe = subscribe(() => this.update());
		this.update();
	}

	disconnectedCallback() {
		this.unsubscribe();
	}

	update() {
		if (this.shown === state.connection + state.connectionDetail) {
			return;
		}
		this.shown = state.connection + state.connectionDetail;
		this.dataset.state = state.connection;
		this.label.textContent = LABELS[state.connection] || state.connection;
		this.title = state.connectionDetail;
	}
}

customElements.define('cs-status', CsStatus);
