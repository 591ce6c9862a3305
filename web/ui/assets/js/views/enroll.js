// Setting up two-step sign-in: show the secret (as text to type, and as an
// otpauth link for an app on this device), confirm with a code, then show
// the recovery codes once.

import { api } from '../api.js';
import { button, errorBox, field, h, statusBox, submitting } from '../dom.js';
import { navigate } from '../router.js';
import { pathFor, sessionState, signOut, started } from '../session.js';

export async function enrollView() {
  const state = await sessionState();
  if (!state.signed_in) {
    navigate('/signin', { replace: true });
    return null;
  }
  if (state.mfa === 'mfa_required') {
    navigate(pathFor(state.mfa), { replace: true });
    return null;
  }
  let setup;
  try {
    setup = await api('POST', '/api/mfa/enroll', {});
  } catch (err) {
    if (err.status !== 409) {
      throw err;
    }
    return h('section', {},
      h('h1', {}, 'Two-step sign-in'),
      statusBox(err.message),
      h('p', {}, h('a', { href: '/home' }, 'Back to your home')));
  }
  const page = h('section', {});
  const box = errorBox();
  const code = field({
    label: 'Code from the app', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric',
    pattern: '[0-9 ]*', maxlength: '7', class: 'code',
  });
  const form = h('form', { method: 'post', action: '/mfa/setup' },
    box, code.wrap, h('button', { class: 'button', type: 'submit' }, 'Turn on two-step sign-in'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      const res = await api('POST', '/api/mfa/confirm', { code: code.input.value.replace(/\s+/g, '') });
      started(res);
      showRecoveryCodes(page, res.recovery_codes || []);
    });
  });
  // Staff must finish this to sign in; a patient chose it and may go back.
  const optional = state.mfa === 'full';
  const cancel = optional
    ? h('a', { href: '/home' }, 'Not now, back to your home')
    : h('button', { class: 'link-button', type: 'button' }, 'Cancel and sign out');
  if (!optional) {
    cancel.addEventListener('click', () => signOut(false));
  }
  page.append(
    h('h1', {}, 'Set up ', h('span', { class: 'nowrap' }, 'two-step sign-in')),
    h('p', { class: 'lede' }, 'Each time you sign in, Haven will also ask for a code from an app on your phone. This keeps your account safe even if someone learns your password.'),
    h('div', { class: 'card' },
      h('ol', { class: 'steps' },
        h('li', {}, 'Install an authenticator app if you do not have one (for example Google Authenticator, Microsoft Authenticator or 2FAS).'),
        h('li', {}, 'In the app, add an account and type this setup key:',
          h('p', { class: 'secret', id: 'mfa-secret', 'data-secret': setup.secret }, groupKey(setup.secret)),
          'If the app is on this device, you can instead ', h('a', { href: setup.uri, rel: 'noreferrer' }, 'open Haven in the app'), '.'),
        h('li', {}, 'Enter the 6-digit code the app now shows for Haven.')),
      form),
    h('p', {}, cancel));
  return page;
}

// groupKey spaces a base32 key in groups of four for easier typing.
function groupKey(key) {
  return (key || '').replace(/(.{4})/g, '$1 ').trim();
}

// showRecoveryCodes replaces the page with the recovery codes, shown once.
function showRecoveryCodes(page, codes) {
  const text = `Haven recovery codes\nEach code works once.\n\n${codes.join('\n')}\n`;
  const copied = statusBox();
  const copy = button('Copy codes', { kind: 'quiet' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      copied.textContent = 'Copied.';
    } catch {
      copied.textContent = 'Copying is not available here; select the codes and copy them, or download them.';
    }
  });
  const download = h('a', { class: 'button button--quiet', download: 'haven-recovery-codes.txt', href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })) }, 'Download codes');
  const done = button('I have saved my codes');
  done.id = 'codes-saved';
  done.addEventListener('click', () => navigate('/home'));
  page.replaceChildren(
    h('h1', {}, 'Save your recovery codes'),
    statusBox('Two-step sign-in is on.', 'notice--ok'),
    h('p', { class: 'lede' }, 'If you lose your phone, each of these codes lets you sign in once. Keep them somewhere safe and private. This is the only time Haven shows them.'),
    h('div', { class: 'card' },
      h('ul', { class: 'codes', 'aria-label': 'Recovery codes' }, codes.map((c) => h('li', {}, c))),
      h('div', { class: 'actions' }, copy, download),
      copied),
    h('div', { class: 'actions' }, done));
  const heading = page.querySelector('h1');
  heading.tabIndex = -1;
  heading.focus();
  document.title = 'Save your recovery codes · Haven';
}
