// Short messages (sent, removed, refused), in a live region; they fade after a while.

import { h } from '../dom.js';
import { state, subscribe } from '../store.js';

class CsNotice extends HTMLElement {
	connectedCallback() {
		this.region = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
		this.replaceChildren(this.region);
		this.unsubscribe = subscribe(() => this.update());
	}

	disconnectedCallback() {
		this.unsubscribe();
		clearTimeout(this.timer);
	}

	update() {
		const notice = state.notice;
		if (!notice || notice.at === this.at) {
			return;
		}
		this.at = notice.at;
		this.region.textContent = notice.text;
		this.region.dataset.kind = notice.kind;
		this.region.classList.add('shown');
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.region.classList.remove('shown'), notice.kind === 'error' ? 8000 : 4000);
	}
}

customElements.define('cs-notice', CsNotice);
