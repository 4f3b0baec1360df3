// One clip: where it came from and when, its content (hidden until revealed when it is
// sensitive, or locked when it is encrypted with a key this device does not have), Copy,
// Download for images and files, and Delete.

import { h, confirmDialog } from '../dom.js';
import { describeSize, fileName, save } from '../blobs.js';
import { state, notify } from '../store.js';
import { feed } from '../actions.js';
import { expiresAt } from '../feed.js';
import { ago, exact } from '../format.js';

class CsClip extends HTMLElement {
	set clip(clip) {
		if (clip === this.current) {
			return;
		}
		const same = this.current && this.current.seq === clip.seq && this.current.pending === clip.pending;
		this.current = clip;
		if (!same) {
			this.revealed = false;
		}
		this.render();
	}

	get clip() {
		return this.current;
	}

	disconnectedCallback() {
		clearInterval(this.ticker);
		this.ticker = null;
	}

	connectedCallback() {
		if (this.current && this.current.sensitive && !this.ticker) {
			this.render();
		}
	}

	render() {
		const clip = this.current;
		const origin = clip.pending || clip.from === state.account?.deviceId ? 'This device'
			: state.devices.find((device) => device.deviceId === clip.from)?.name || 'Another device';
		const badges = [];
		if (clip.pending) {
			badges.push(h('span', { class: 'badge' }, 'Sending…'));
		}
		if (clip.encrypted) {
			badges.push(h('span', { class: 'badge', title: 'End-to-end encrypted' }, clip.locked ? 'Locked' : 'Encrypted'));
		}
		if (clip.sensitive) {
			this.countdown = h('span', { class: 'badge warn' });
			badges.push(this.countdown);
		}
		const meta = h('p', { class: 'meta' }, h('span', { class: 'from' }, origin),
				clip.createdAt ? h('time', { datetime: clip.createdAt, title: exact(clip.createdAt) }, ago(clip.createdAt))
					: null, ...badges);
		const body = this.body(clip);
		const actions = h('div', { class: 'row actions' });
		if (!clip.pending && !clip.locked && clip.view && clip.view.kind !== 'note') {
			if (clip.sensitive) {
				actions.append(h('button', { type: 'button', class: 'secondary', 'aria-expanded': String(this.revealed),
					onclick: () => {
						this.revealed = !this.revealed;
						this.render();
					} }, this.revealed ? 'Hide' : 'Reveal'));
			}
			const file = clip.view.kind === 'file';
			// a clipboard takes PNG as the one image type browsers agree on
			if (!file || clip.view.mime === 'image/png') {
				actions.append(h('button', { type: 'button', class: 'primary copy', onclick: (event) => this.copy(event) },
						'Copy'));
			}
			if (file) {
				this.downloadButton = h('button', { type: 'button', class: file && clip.view.mime === 'image/png'
					? 'secondary download' : 'primary download', disabled: Boolean(this.downloading),
				onclick: () => this.download() }, this.downloading || 'Download');
				actions.append(this.downloadButton);
			}
		}
		if (!clip.pending) {
			actions.append(h('button', { type: 'button', class: 'secondary delete', 'aria-label': 'Delete this clip',
				onclick: () => this.remove() }, 'Delete'));
		}
		this.replaceChildren(h('article', { class: 'clip' + (clip.pending ? ' pending' : ''), 'data-seq': clip.seq ?? '' },
				meta, body, actions));
		this.tick();
	}

	body(clip) {
		if (clip.locked) {
			return h('p', { class: 'locked' },
					'Encrypted with a passphrase this device does not have. Set it in Settings to read this clip.');
		}
		if (clip.sensitive && !this.revealed) {
			return h('p', { class: 'hidden-content' }, 'Hidden: sensitive clip. Reveal to show it.');
		}
		const view = clip.view;
		if (view.kind === 'image') {
			return h('img', { class: 'content', src: view.src, alt: 'Image clip' });
		}
		if (view.kind === 'file') {
			const what = (view.name ? view.name + ' · ' : '') + view.mime + ' · ' + describeSize(view.size);
			return h('div', { class: 'file' },
					view.preview ? h('img', { class: 'preview', src: view.preview,
						alt: 'Preview of ' + (view.name || 'the image') }) : null,
					h('p', { class: 'note file-info' }, what));
		}
		if (view.kind === 'note') {
			return h('p', { class: 'note' }, view.text);
		}
		return h('p', { class: 'content' }, view.text);
	}

	/** Sensitive clips count down and leave when their time is up (the server deletes them then too). */
	tick() {
		clearInterval(this.ticker);
		this.ticker = null;
		if (!this.current.sensitive || this.current.pending) {
			if (this.countdown && this.current.pending) {
				this.countdown.textContent = 'Sensitive';
			}
			return;
		}
		const show = () => {
			const left = Math.max(0, Math.ceil((expiresAt(this.current) - Date.now()) / 1000));
			this.countdown.textContent = 'Sensitive, gone in ' + left + ' s';
		};
		show();
		this.ticker = setInterval(show, 1000);
	}

	async copy(event) {
		const clip = this.current;
		const button = event.currentTarget;
		try {
			if (clip.view.kind === 'file') {
				// a promise keeps the tap's permission while the bytes arrive
				await navigator.clipboard.write([new ClipboardItem({ 'image/png': feed.fetchFile(clip) })]);
			}
			else if (clip.view.kind === 'image') {
				const blob = await (await fetch(clip.view.src)).blob();
				await navigator.clipboard.write([new ClipboardItem({ [blob.type]: blob })]);
			}
			else {
				await navigator.clipboard.writeText(clip.view.text);
			}
		}
		catch (error) {
			// a failed download says why; otherwise the browser refused
			notify(error?.code ? error.message : 'The browser did not allow copying. Select the text and copy it by hand.',
					'error');
			return;
		}
		button.textContent = 'Copied';
		setTimeout(() => {
			button.textContent = 'Copy';
		}, 1500);
		notify('Copied to the clipboard.');
		if (clip.sensitive && clip.view.kind === 'text') {
			forgetLater(clip.view.text, expiresAt(clip) - Date.now());
		}
	}

	/** Fetch the bytes (opened when encrypted) and save them under the clip's file name. */
	async download() {
		const clip = this.current;
		const label = (text) => {
			this.downloading = text;
			if (this.downloadButton) {
				this.downloadButton.textContent = text;
				this.downloadButton.disabled = true;
			}
		};
		label('Downloading…');
		try {
			const blob = await feed.fetchFile(clip, (share) => label('Downloading ' + Math.floor(share * 100) + '%'));
			const name = fileName(clip, clip.view);
			save(blob, name);
			notify('Downloaded ' + name + '.');
		}
		catch (error) {
			notify(error.message || 'The download failed.', 'error');
		}
		finally {
			this.downloading = null;
			if (this.downloadButton) {
				this.downloadButton.textContent = 'Download';
				this.downloadButton.disabled = false;
			}
		}
	}

	async remove() {
		if (await confirmDialog('Delete this clip from your history on all devices?', 'Delete', { danger: true })) {
			await feed.remove(this.current.seq);
		}
	}
}

/** A sensitive clip leaves the clipboard with its time, if nothing else was copied since. */
function forgetLater(text, inMs) {
	setTimeout(async () => {
		try {
			if ((await navigator.clipboard.readText()) === text) {
				await navigator.clipboard.writeText('');
			}
		}
		catch {
			// reading needs permission and focus; without them the clipboard is left alone
		}
	}, Math.max(0, inMs));
}

customElements.define('cs-clip', CsClip);
