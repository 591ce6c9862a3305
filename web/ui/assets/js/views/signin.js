// The sign-in page. It also shows why the previous session ended.

import { api } from '../api.js';
import { errorBox, field, h, statusBox, submitting } from '../dom.js';
import { navigate, takeNotice } from '../router.js';
import { pathFor, sessionState, started } from '../session.js';

export async function signinView() {
  const state = await sessionState();
  if (state.signed_in) {
    navigate(pathFor(state.mfa), { replace: true });
    return null;
  }
  const notice = takeNotice();
  const box = errorBox();
  const email = field({ label: 'Email', name: 'email', type: 'email', autocomplete: 'username', spellcheck: 'false' });
  const password = field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password' });
  const form = h('form', { method: 'post', action: '/signin', 'aria-describedby': 'signin-error' },
    box,
    email.wrap,
    password.wrap,
    h('button', { class: 'button button--block', type: 'submit' }, 'Sign in'));
  box.id = 'signin-error';
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      const res = await api('POST', '/api/session', { email: email.input.value, password: password.input.value }, { auth: false });
      password.input.value = '';
      if (res.mfa === 'full') {
        started(res);
      }
      await navigate(pathFor(res.mfa));
    });
  });
  return h('section', {},
    h('h1', {}, 'Sign in to Haven'),
    statusBox(notice),
    h('p', { class: 'lede' }, 'A private place for your mental health care.'),
    h('div', { class: 'card' }, form),
    h('p', { class: 'muted' }, 'New to Haven? Your clinic sends you an invitation link to create your account.'));
}
