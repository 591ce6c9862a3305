// Small DOM helpers. Text is always set as text, never parsed as HTML, so
// nothing a user typed can become markup.

let uid = 0;

// h creates an element: h('p', {class: 'x'}, 'text', child, …).
// Props starting with "on" add listeners; true/false toggle boolean
// attributes; null and undefined are skipped.
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// nextId returns a page-unique id for label/aria wiring.
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

// field returns a labelled input: {wrap, input}. A hint is tied to the
// input with aria-describedby.
export function field({ label, name, type = 'text', autocomplete, hint, required = true, ...attrs }) {
  const id = nextId(name);
  const hintId = hint ? `${id}-hint` : null;
  const input = h('input', { id, name, type, autocomplete, required, 'aria-describedby': hintId, ...attrs });
  const wrap = h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null);
  return { wrap, input };
}

// selectField returns a labelled select over [value, text] options.
export function selectField({ label, name, options }) {
  const id = nextId(name);
  const input = h('select', { id, name, required: true },
    options.map(([value, text]) => h('option', { value }, text)));
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}

// errorBox is where a form reports what went wrong; screen readers
// announce it as soon as it changes.
export function errorBox() {
  return h('p', { class: 'form-error', role: 'alert', 'aria-live': 'assertive' });
}

// statusBox announces non-urgent news politely.
export function statusBox(text = '', kind = '') {
  return h('p', { class: `notice ${kind}`.trim(), role: 'status', 'aria-live': 'polite' }, text);
}

// button makes a button element; kind is '', 'quiet', 'danger', 'small'….
export function button(text, { kind = '', type = 'button', onclick } = {}) {
  const cls = ['button', ...kind.split(' ').filter(Boolean).map((k) => `button--${k}`)].join(' ');
  return h('button', { class: cls, type, onclick }, text);
}

// submitting runs fn while the form's submit button shows it is busy, and
// puts any error's message in box.
export async function submitting(form, box, fn) {
  const btn = form.querySelector('button[type="submit"]');
  box.textContent = '';
  if (btn) {
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
  }
  try {
    await fn();
  } catch (err) {
    box.textContent = err && err.message ? err.message : 'Something went wrong. Please try again.';
  } finally {
    if (btn) {
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
    }
  }
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// when formats an ISO time for people.
export function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dateFormat.format(d);
}

// timeEl is a <time> element showing iso for people.
export function timeEl(iso) {
  return h('time', { datetime: iso }, when(iso));
}

// roleName is how a role reads in a sentence.
export function roleName(role) {
  return { patient: 'Patient', clinician: 'Clinician', counselor: 'Crisis counselor', admin: 'Administrator', operator: 'Clinic operator' }[role] || 'Clinic staff';
}
