// The clips, newest first, and clearing the history.

import { h, confirmDialog } from '../dom.js';
import { state, subscribe } from '../store.js';
import { feed } from '../actions.js';
import './cs-clip.js';

class CsFeed extends HTMLElement {
	connectedCallback() {
		this.list = h('ol', { class: 'feed', 'aria-label': 'Clips, newest first' });
		this.empty = h('p', { class: 'empty' }, 'No clips yet. Copy something on another device, or send one from here.');
		this.clear = h('button', { type: 'button', class: 'link danger', onclick: () => this.clearAll() }, 'Clear history');
		this.replaceChildren(h('div', { class: 'feed-head' }, h('h2', {}, 'Clips'), this.clear), this.empty, this.list);
		this.items = new Map();
		this.unsubscribe = subscribe(() => this.update());
		this.update();
	}

	disconnectedCallback() {
		this.unsubscribe();
	}

	update() {
		if (this.shown === state.clips && this.names === state.devices) {
			return;
		}
		const namesChanged = this.names !== state.devices;
		this.shown = state.clips;
		this.names = state.devices;
		const keep = new Map();
		const children = state.clips.map((clip) => {
			const key = clip.pending ? 'p:' + clip.id : 's:' + clip.seq;
			let item = this.items.get(key);
			if (!item) {
				item = h('li', {}, h('cs-clip'));
			}
			item.firstChild.clip = clip;
			if (namesChanged) {
				item.firstChild.render();
			}
			keep.set(key, item);
			return item;
		});
		this.items = keep;
		// move only what changed, so focus stays on a clip's button while others arrive
		let cursor = this.list.firstChild;
		for (const item of children) {
			if (item === cursor) {
				cursor = cursor.nextSibling;
			}
			else {
				this.list.insertBefore(item, cursor);
			}
		}
		while (cursor) {
			const next = cursor.nextSibling;
			cursor.remove();
			cursor = next;
		}
		this.empty.hidden = children.length > 0;
		this.clear.hidden = !state.clips.some((clip) => !clip.pending);
	}

	async clearAll() {
		if (await confirmDialog('Delete every clip from your history, on all your devices?', 'Clear history',
				{ danger: true })) {
			await feed.clear();
		}
	}
}

customElements.define('cs-feed', CsFeed);
