// Send: paste into the box, or one tap to send what is on this device's clipboard
// (navigator.clipboard.read, readText; where the browser refuses, the box is the way).
// Images pasted into the box, and photos or files picked, go up as files with a progress bar.

import { h } from '../dom.js';
import { notify } from '../store.js';
import { feed } from '../actions.js';
import { MAX_BLOB_BYTES, tooLargeMessage } from '../blobs.js';

class CsSend extends HTMLElement {
	connectedCallback() {
		this.text = h('textarea', { id: 'send-text', rows: '3', placeholder: 'Paste or type here',
			'aria-describedby': 'send-hint', onkeydown: (event) => {
				if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
					event.preventDefault();
					this.form.requestSubmit();
				}
			}, onpaste: (event) => this.pasted(event) });
		this.sensitive = h('input', { id: 'send-sensitive', type: 'checkbox' });
		this.file = h('input', { id: 'send-file', type: 'file', class: 'file-input', multiple: true,
			onchange: () => this.picked() });
		this.progress = h('progress', { id: 'send-progress', max: '1', value: '0', 'aria-labelledby': 'send-upload' });
		this.uploadText = h('span', { id: 'send-upload' });
		this.upload = h('div', { class: 'upload', role: 'status', hidden: true }, this.uploadText, this.progress);
		this.form = h('form', { class: 'card send', 'aria-labelledby': 'send-title', onsubmit: (event) => this.submit(event) },
				h('h2', { id: 'send-title', class: 'visually-hidden' }, 'Send a clip'),
				h('label', { for: 'send-text' }, 'Send to your devices'), this.text,
				h('p', { class: 'hint', id: 'send-hint' }, 'Ctrl+Enter sends. Paste an image to send it.'),
				h('div', { class: 'row wrap' },
						h('label', { class: 'check', for: 'send-sensitive' }, this.sensitive,
								' Sensitive: hidden until revealed, deleted after a minute'),
						this.file, h('label', { for: 'send-file', class: 'button' }, 'Photo or file'),
						h('button', { type: 'button', class: 'secondary', onclick: () => this.sendClipboard() },
								'Send clipboard'),
						h('button', { type: 'submit', class: 'primary' }, 'Send')),
				this.upload);
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

	/** A pasted image (a screenshot) is sent as a file; pasted text lands in the box as usual. */
	pasted(event) {
		const files = [...(event.clipboardData?.files || [])];
		if (files.length > 0) {
			event.preventDefault();
			this.sendFiles(files);
		}
	}

	async picked() {
		const files = [...this.file.files];
		this.file.value = '';
		await this.sendFiles(files);
	}

	async sendFiles(files) {
		for (const file of files) {
			await this.sendFile(file);
		}
	}

	async sendFile(file) {
		const name = file.name || 'the image';
		if (file.size > MAX_BLOB_BYTES) {
			notify(tooLargeMessage(file.size), 'error');
			return;
		}
		this.progress.value = 0;
		this.uploadText.textContent = 'Uploading ' + name + '…';
		this.upload.hidden = false;
		try {
			await feed.sendFile(file, { onProgress: (share) => {
				this.progress.value = share;
			} });
			notify('Sent ' + name + '.');
		}
		catch (error) {
			notify(error.message || 'The upload failed.', 'error');
		}
		finally {
			this.upload.hidden = true;
		}
	}

	async sendClipboard() {
		if (navigator.clipboard?.read) {
			try {
				for (const item of await navigator.clipboard.read()) {
					const type = item.types.find((candidate) => candidate.startsWith('image/'));
					if (type) {
						const blob = await item.getType(type);
						await this.sendFile(new File([blob], 'clipboard.' + type.slice(6), { type }));
						return;
					}
				}
			}
			catch {
				// no permission for images here: text may still be allowed
			}
		}
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
