// Accepting an invitation: the one-time token travels in the URL fragment
// (#…), which browsers never send to a server, and leaves the address bar
// as soon as the page reads it.

import { api } from '../api.js';
import { errorBox, field, h, submitting } from '../dom.js';
import { navigate, setNotice } from '../router.js';

let token = '';

export async function inviteView() {
  if (location.hash.length > 1) {
    token = decodeURIComponent(location.hash.slice(1));
    history.replaceState(null, '', '/invite');
  }
  if (!token) {
    return h('section', {},
      h('h1', {}, 'Invitation link needed'),
      h('p', {}, 'Open the invitation link your clinic sent you. If it does not work, ask your clinic for a new one.'),
      h('p', {}, h('a', { href: '/signin' }, 'Sign in instead')));
  }
  const box = errorBox();
  const password = field({
    label: 'Choose a password', name: 'password', type: 'password', autocomplete: 'new-password', minlength: '8', maxlength: '128',
    hint: 'At least 8 characters. A few unrelated words are easy to remember and hard to guess.',
  });
  const confirm = field({ label: 'Type the password again', name: 'confirm', type: 'password', autocomplete: 'new-password' });
  const form = h('form', { method: 'post', action: '/invite' },
    box, password.wrap, confirm.wrap,
    h('button', { class: 'button button--block', type: 'submit' }, 'Create my account'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      if (password.input.value !== confirm.input.value) {
        confirm.input.focus();
        throw new Error('The two passwords are not the same.');
      }
      await api('POST', '/api/invitations/accept', {
        token, password: password.input.value,
      }, { auth: false });
      token = '';
      setNotice('Your account is ready. Sign in with your email address and new password.');
      await navigate('/signin', { replace: true });
    });
  });
  return h('section', {},
    h('h1', {}, 'Create your Haven account'),
    h('p', { class: 'lede' }, 'Your clinic invited you to Haven. Choose a password to finish.'),
    h('div', { class: 'card' }, form));
}
