// Sign in, or create an account, and name this device.

import { h } from '../dom.js';
import { state } from '../store.js';
import { signIn, register } from '../actions.js';
import { suggestedDeviceName } from '../format.js';

class CsSignIn extends HTMLElement {
	connectedCallback() {
		this.error = h('p', { class: 'error', role: 'alert', id: 'sign-in-error' });
		this.email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true,
			'aria-describedby': 'sign-in-error' });
		this.password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password',
			required: true, minlength: '12', 'aria-describedby': 'password-hint sign-in-error' });
		this.device = h('input', { id: 'device-name', name: 'device', type: 'text', required: true, maxlength: '100',
			value: suggestedDeviceName(), autocomplete: 'off' });
		this.signInButton = h('button', { type: 'submit', class: 'primary', value: 'sign-in' }, 'Sign in');
		this.registerButton = h('button', { type: 'submit', class: 'secondary', value: 'register' }, 'Create account');
		const form = h('form', { class: 'card sign-in', novalidate: true, 'aria-labelledby': 'sign-in-title',
			onsubmit: (event) => this.submit(event) },
				h('h2', { id: 'sign-in-title' }, 'Sign in to ClipSync'),
				state.signedOutReason ? h('p', { class: 'info', role: 'status' }, state.signedOutReason) : null,
				h('label', { for: 'email' }, 'Email'), this.email,
				h('label', { for: 'password' }, 'Password'), this.password,
				h('p', { class: 'hint', id: 'password-hint' }, 'At least 12 characters, at most 72 bytes.'),
				h('label', { for: 'device-name' }, 'Name of this device'), this.device,
				h('p', { class: 'hint' }, 'Your other devices show clips as coming from this name.'),
				this.error,
				h('div', { class: 'row' }, this.signInButton, this.registerButton));
		this.replaceChildren(form);
	}

	async submit(event) {
		event.preventDefault();
		const creating = event.submitter?.value === 'register';
		const email = this.email.value.trim();
		const password = this.password.value;
		const device = this.device.value.trim();
		const problem = !email || !email.includes('@') ? 'Enter your email address.'
			: [...password].length < 12 ? 'The password needs at least 12 characters.'
				: new TextEncoder().encode(password).length > 72 ? 'The password can have at most 72 bytes.'
					: !device ? 'Give this device a name.' : '';
		if (problem) {
			this.error.textContent = problem;
			return;
		}
		this.error.textContent = '';
		this.signInButton.disabled = true;
		this.registerButton.disabled = true;
		try {
			await (creating ? register : signIn)(email, password, device);
		}
		catch (error) {
			this.error.textContent = error.code === 'email_taken' ? 'An account with this email exists. Sign in instead.'
				: error.code === 'invalid_credentials' ? 'The email or the password is wrong.' : error.message;
			this.signInButton.disabled = false;
			this.registerButton.disabled = false;
		}
	}
}

customElements.define('cs-sign-in', CsSignIn);
