// The admin's home: everyone's accounts (disable one), a new account, and
// patient invitations.

import { api } from '../api.js';
import { button, errorBox, field, h, roleName, selectField, statusBox, submitting } from '../dom.js';
import { inviteForm } from './invite-form.js';
import { coverageNotice } from './console-oncall.js';

export async function adminHome(me) {
  const people = h('div', {});
  const status = statusBox();
  async function refresh() {
    const { users } = await api('GET', '/api/admin/users');
    people.replaceChildren(userList(users, me, status, refresh));
  }
  await refresh();
  return [
    coverageNotice(),
    h('section', { class: 'card', 'aria-labelledby': 'people-h' },
      h('h2', { id: 'people-h' }, 'People'),
      status,
      people),
    h('div', { class: 'grid grid--2' },
      createUserForm(status, refresh),
      inviteForm('For a patient; they choose their own password.')),
  ];
}

function userList(users, me, status, refresh) {
  if (users.length === 0) {
    return h('p', { class: 'empty' }, 'No accounts yet.');
  }
  return h('ul', { class: 'list', id: 'user-list' }, users.map((u) => h('li', {},
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, u.display_name, ' ', h('span', { class: 'tag' }, roleName(u.role)),
        u.disabled ? h('span', { class: 'tag tag--alert' }, 'Disabled') : null),
      h('span', { class: 'list__meta' }, u.email)),
    u.disabled || u.id === me.id ? null : disableControl(u, status, refresh))));
}

// disableControl asks for confirmation in place before disabling.
function disableControl(u, status, refresh) {
  const wrap = h('div', { class: 'actions' });
  const ask = button('Disable', { kind: 'danger small' });
  ask.setAttribute('aria-label', `Disable ${u.display_name}`);
  ask.addEventListener('click', () => {
    const yes = button(`Yes, disable ${u.display_name}`, { kind: 'danger small' });
    const no = button('Cancel', { kind: 'quiet small' });
    yes.addEventListener('click', async () => {
      try {
        await api('POST', `/api/admin/users/${u.id}/disable`);
        status.textContent = `${u.display_name} is disabled and signed out everywhere.`;
        await refresh();
      } catch (err) {
        status.textContent = err.message;
      }
    });
    no.addEventListener('click', () => {
      wrap.replaceChildren(ask);
      ask.focus();
    });
    wrap.replaceChildren(yes, no);
    no.focus();
  });
  wrap.append(ask);
  return wrap;
}

function createUserForm(status, refresh) {
  const box = errorBox();
  const name = field({ label: 'Name', name: 'display_name', autocomplete: 'off', maxlength: '100' });
  const email = field({ label: 'Email', name: 'email', type: 'email', autocomplete: 'off', spellcheck: 'false' });
  const role = selectField({
    label: 'Role', name: 'role',
    options: [['clinician', 'Clinician'], ['counselor', 'Crisis counselor'], ['admin', 'Administrator'], ['patient', 'Patient']],
  });
  const password = field({
    label: 'First password', name: 'password', type: 'password', autocomplete: 'new-password', minlength: '8', maxlength: '128',
    hint: 'Give it to them privately. Staff set up two-step sign-in when they first sign in.',
  });
  const form = h('form', { method: 'post', action: '/home' },
    box, name.wrap, email.wrap, role.wrap, password.wrap,
    h('button', { class: 'button', type: 'submit' }, 'Create account'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      const u = await api('POST', '/api/admin/users', {
        display_name: name.input.value.trim(), email: email.input.value.trim(), role: role.input.value, password: password.input.value,
      });
      form.reset();
      status.textContent = `Account created for ${u.display_name}.`;
      await refresh();
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'create-h' },
    h('h2', { id: 'create-h' }, 'Add an account'),
    form);
}
