// The "invite a patient" form shared by clinicians and admins. The link is
// shown once, for the inviter to send to the patient.

import { api } from '../api.js';
import { button, errorBox, field, h, statusBox, submitting } from '../dom.js';

export function inviteForm(intro) {
  const box = errorBox();
  const result = h('div', { class: 'invite-result', 'aria-live': 'polite' });
  const name = field({ label: 'Patient’s name', name: 'display_name', autocomplete: 'off', maxlength: '100' });
  const email = field({ label: 'Patient’s email', name: 'email', type: 'email', autocomplete: 'off', spellcheck: 'false' });
  const form = h('form', { method: 'post', action: '/home' },
    box, name.wrap, email.wrap, h('button', { class: 'button', type: 'submit' }, 'Create invitation link'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      result.replaceChildren();
      const res = await api('POST', '/api/invitations', { email: email.input.value.trim(), display_name: name.input.value.trim() });
      form.reset();
      const copied = statusBox();
      const copy = button('Copy link', { kind: 'quiet small' });
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(res.link);
          copied.textContent = 'Copied.';
        } catch {
          copied.textContent = 'Copying is not available here; select the link and copy it.';
        }
      });
      result.append(
        h('p', { class: 'notice notice--ok' }, 'Invitation created. Send this link to the patient; it works once, for 7 days.'),
        h('p', { class: 'secret' }, res.link),
        h('div', { class: 'actions' }, copy),
        copied);
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'invite-h' },
    h('h2', { id: 'invite-h' }, 'Invite a patient'),
    h('p', { class: 'muted' }, intro),
    form, result);
}
