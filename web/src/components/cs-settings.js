// The account: who is signed in, end-to-end encryption, sign out, delete the account.

import { h, confirmDialog } from '../dom.js';
import { state, subscribe, notify } from '../store.js';
import { feed, signOut, deleteAccount } from '../actions.js';

class CsSettings extends HTMLElement {
	connectedCallback() {
		this.unsubscribe = subscribe(() => this.update());
		this.update();
	}

	disconnectedCallback() {
		this.unsubscribe();
	}

	update() {
		if (this.e2e === state.e2e && this.account === state.account) {
			return;
		}
		this.e2e = state.e2e;
		this.account = state.account;
		if (!state.account) {
			this.replaceChildren();
			return;
		}
		this.replaceChildren(
				h('h2', {}, 'Settings'),
				h('section', { class: 'card', 'aria-labelledby': 'account-title' },
						h('h3', { id: 'account-title' }, 'Account'),
						h('p', {}, 'Signed in as ', h('strong', {}, state.account.email)),
						h('p', {}, 'This device: ', h('strong', { class: 'device-name' }, state.account.deviceName)),
						h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', id: 'sign-out',
							onclick: () => this.signOut() }, 'Sign out'))),
				this.encryption(),
				this.deletion());
	}

	encryption() {
		const card = h('section', { class: 'card', 'aria-labelledby': 'e2e-title' }, h('h3', { id: 'e2e-title' },
				'End-to-end encryption'));
		if (state.e2e) {
			card.append(h('p', { class: 'info' }, 'On: clips you send are encrypted on this device; the server cannot read them.'),
					h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', id: 'e2e-off',
						onclick: () => feed.forgetKey().then(() => notify('Encryption key removed from this device.')) },
							'Forget the key on this device')));
			return card;
		}
		const error = h('p', { class: 'error', role: 'alert' });
		const passphrase = h('input', { id: 'e2e-passphrase', type: 'password', autocomplete: 'new-password',
			'aria-describedby': 'e2e-hint' });
		const button = h('button', { type: 'submit', class: 'primary' }, 'Use this passphrase');
		card.append(h('form', { onsubmit: async (event) => {
			event.preventDefault();
			if (passphrase.value.length < 8) {
				error.textContent = 'Use a passphrase of at least 8 characters.';
				return;
			}
			button.disabled = true;
			button.textContent = 'Deriving the key…';
			await feed.setPassphrase(passphrase.value);
			notify('Encryption on for this device.');
		} }, h('p', { id: 'e2e-hint', class: 'hint' },
				'Enter the same passphrase on every device. Clips sent with it can only be read where it is set. '
						+ 'Forget it and they cannot be recovered.'),
				h('label', { for: 'e2e-passphrase' }, 'Passphrase'), passphrase, error, h('div', { class: 'row' }, button)));
		return card;
	}

	deletion() {
		const error = h('p', { class: 'error', role: 'alert' });
		const password = h('input', { id: 'delete-password', type: 'password', autocomplete: 'current-password' });
		return h('section', { class: 'card danger-zone', 'aria-labelledby': 'delete-title' },
				h('h3', { id: 'delete-title' }, 'Delete account'),
				h('p', {}, 'Deletes your account, every device and every clip. This cannot be undone.'),
				h('form', { onsubmit: async (event) => {
					event.preventDefault();
					if (!password.value) {
						error.textContent = 'Enter your password to confirm.';
						return;
					}
					if (!(await confirmDialog('Delete your account and all its clips for good?', 'Delete account',
							{ danger: true }))) {
						return;
					}
					try {
						await deleteAccount(password.value);
					}
					catch (failure) {
						error.textContent = failure.code === 'invalid_credentials' ? 'The password is wrong.' : failure.message;
					}
				} }, h('label', { for: 'delete-password' }, 'Password'), password, error,
						h('div', { class: 'row' }, h('button', { type: 'submit', class: 'danger' }, 'Delete account'))));
	}

	async signOut() {
		await signOut();
	}
}

customElements.define('cs-settings', CsSettings);
