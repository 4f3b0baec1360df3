// Send: paste into the box, or one tap to send what is on this device's clipboard
// (navigator.clipboard.readText; where the browser refuses, the box is the way).

import { h } from '../dom.js';
import { notify } from '../store.js';
import { feed } from '../actions.js';

class CsSend extends HTMLElement {
	connectedCallback() {
		this.text = h('textarea', { id: 'send-text', rows: '3', placeholder: 'Paste or type here',
			'aria-describedby': 'send-hint', onkeydown: (event) => {
				if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
					event.preventDefault();
					this.form.requestSubmit();
				}
			} });
		this.sensitive = h('input', { id: 'send-sensitive', type: 'checkbox' });
		this.form = h('form', { class: 'card send', 'aria-labelledby': 'send-title', onsubmit: (event) => this.submit(event) },
				h('h2', { id: 'send-title', class: 'visually-hidden' }, 'Send a clip'),
				h('label', { for: 'send-text' }, 'Send to your devices'), this.text,
				h('p', { class: 'hint', id: 'send-hint' }, 'Ctrl+Enter sends.'),
				h('div', { class: 'row wrap' },
						h('label', { class: 'check', for: 'send-sensitive' }, this.sensitive,
								' Sensitive: hidden until revealed, deleted after a minute'),
						h('button', { type: 'button', class: 'secondary', onclick: () => this.sendClipboard() },
								'Send clipboard'),
						h('button', { type: 'submit', class: 'primary' }, 'Send')));
		this.replaceChildren(this.form);
	}

	async submit(event) {
		event.preventDefault();
		const text = this.text.value;
		if (!text.trim()) {
			notify('Nothing to send: paste or type something first.', 'error');
			this.text.focus();
			return;
		}
		await feed.send(text, { sensitive: this.sensitive.checked });
		this.text.value = '';
		this.sensitive.checked = false;
	}

	async sendClipboard() {
		let text;
		try {
			text = await navigator.clipboard.readText();
		}
		catch {
			notify('This browser does not let ClipSync read the clipboard: paste into the box instead.', 'error');
			this.text.focus();
			return;
		}
		if (!text) {
			notify('The clipboard holds no text.', 'error');
			return;
		}
		await feed.send(text, { sensitive: this.sensitive.checked });
		this.sensitive.checked = false;
		notify('Clipboard sent.');
	}
}

customElements.define('cs-send', CsSend);
