// The two-step sign-in challenge: a code from the authenticator app, or
// one of the recovery codes.

import { api } from '../api.js';
import { errorBox, field, h, submitting } from '../dom.js';
import { navigate } from '../router.js';
import { pathFor, sessionState, signOut, started } from '../session.js';

export async function mfaView() {
  const state = await sessionState();
  if (!state.signed_in || state.mfa !== 'mfa_required') {
    navigate(state.signed_in ? pathFor(state.mfa) : '/signin', { replace: true });
    return null;
  }
  const box = errorBox();
  const code = field({
    label: 'Sign-in code', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric',
    pattern: '[0-9 ]*', maxlength: '7', class: 'code', hint: 'The 6-digit code your authenticator app shows for Haven.',
  });
  const recovery = field({
    label: 'Recovery code', name: 'recovery_code', autocomplete: 'off', spellcheck: 'false',
    hint: 'One of the codes you saved when you set up two-step sign-in. Each works once.',
  });
  recovery.wrap.hidden = true;
  recovery.input.required = false;
  let useRecovery = false;
  const toggle = h('button', { class: 'link-button', type: 'button' }, 'Use a recovery code instead');
  toggle.addEventListener('click', () => {
    useRecovery = !useRecovery;
    code.wrap.hidden = useRecovery;
    code.input.required = !useRecovery;
    recovery.wrap.hidden = !useRecovery;
    recovery.input.required = useRecovery;
    toggle.textContent = useRecovery ? 'Use a code from the app instead' : 'Use a recovery code instead';
    (useRecovery ? recovery.input : code.input).focus();
  });
  const form = h('form', { method: 'post', action: '/mfa' },
    box, code.wrap, recovery.wrap,
    h('div', { class: 'actions' },
      h('button', { class: 'button', type: 'submit' }, 'Continue'),
      toggle));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      const body = useRecovery
        ? { recovery_code: recovery.input.value.trim() }
        : { code: code.input.value.replace(/\s+/g, '') };
      const res = await api('POST', '/api/session/mfa', body);
      started(res);
      await navigate('/home');
    });
  });
  const cancel = h('button', { class: 'link-button', type: 'button' }, 'Cancel and sign out');
  cancel.addEventListener('click', () => signOut(false));
  return h('section', {},
    h('h1', {}, 'Enter your sign-in code'),
    h('p', { class: 'lede' }, 'Open your authenticator app and enter the code it shows for Haven.'),
    h('div', { class: 'card' }, form),
    h('p', {}, cancel));
}
