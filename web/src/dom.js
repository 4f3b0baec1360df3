// Building DOM without HTML strings: text always goes in as text, never as markup, and no
// inline style or handler attribute exists for the Content-Security-Policy to refuse.

/** h('button', {class: 'x', onclick: fn, 'aria-label': 'y'}, 'text', child) */
export function h(tag, attributes = {}, ...children) {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) {
		if (value === false || value === null || value === undefined) {
			continue;
		}
		if (name.startsWith('on') && typeof value === 'function') {
			element.addEventListener(name.slice(2), value);
		}
		else if (name === 'class') {
			element.className = value;
		}
		else if (name in element && typeof value !== 'string') {
			element[name] = value;
		}
		else {
			element.setAttribute(name, value === true ? '' : value);
		}
	}
	for (const child of children.flat()) {
		if (child !== null && child !== undefined && child !== false) {
			element.append(child instanceof Node ? child : String(child));
		}
	}
	return element;
}

/** A modal question; resolves true when the user confirms. Focus returns where it was. */
export function confirmDialog(question, confirmLabel, { danger = false } = {}) {
	return new Promise((resolve) => {
		const before = document.activeElement;
		const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-question' },
				h('p', { id: 'confirm-question' }, question),
				h('form', { method: 'dialog', class: 'row' },
						h('button', { value: 'cancel', class: 'secondary' }, 'Cancel'),
						h('button', { value: 'ok', class: danger ? 'danger' : 'primary' }, confirmLabel)));
		dialog.addEventListener('close', () => {
			dialog.remove();
			if (before && before.focus) {
				before.focus();
			}
			resolve(dialog.returnValue === 'ok');
		});
		document.body.append(dialog);
		dialog.showModal();
	});
}
