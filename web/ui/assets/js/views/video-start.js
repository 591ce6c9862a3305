// /video: a clinician starts an ad hoc video session with one or more of
// their patients (a group of up to 11); everyone sees the sessions open
// for them.

import { api } from '../api.js';
import { errorBox, h, submitting } from '../dom.js';
import { navigate } from '../router.js';
import { hub } from '../hub.js';
import { sessionList } from './video-invites.js';

export async function videoStartView() {
  const me = await api('GET', '/api/me');
  const mine = await api('GET', '/api/video/sessions');
  const page = h('section', { class: 'wide video-page' },
    h('h1', {}, 'Video sessions'),
    h('p', { class: 'video-private' }, 'Nothing is recorded. Only the people you invite can join, and patients wait until you let them in.'));
  if (me.role === 'clinician') {
    page.append(await startForm());
  }
  page.append(h('section', { class: 'card', 'aria-labelledby': 'open-h' },
    h('h2', { id: 'open-h' }, 'Open sessions'),
    sessionList(mine.sessions, 'You have no open video sessions.')));
  hub();
  return page;
}

async function startForm() {
  const { patients } = await api('GET', '/api/me/patients');
  const box = errorBox();
  const card = h('section', { class: 'card', 'aria-labelledby': 'start-h' }, h('h2', { id: 'start-h' }, 'Start a video session'));
  if (patients.length === 0) {
    card.append(h('p', { class: 'empty' }, 'You are not on any patient’s care team yet.'));
    return card;
  }
  const choices = patients.map((p) => {
    const id = `video-patient-${p.id}`;
    return h('div', { class: 'check' },
      h('input', { type: 'checkbox', id, name: 'patients', value: String(p.id) }),
      h('label', { for: id }, p.display_name));
  });
  const form = h('form', { novalidate: true },
    h('fieldset', { class: 'video-invitees' },
      h('legend', {}, 'Who to invite (up to 11 for a group)'),
      choices),
    box,
    h('button', { class: 'button', type: 'submit', id: 'video-start' }, 'Start video session'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const ids = [...form.querySelectorAll('input[name="patients"]:checked')].map((i) => Number(i.value));
    submitting(form, box, async () => {
      if (ids.length === 0) {
        throw new Error('Choose at least one patient to invite.');
      }
      const s = await api('POST', '/api/video/sessions', { patients: ids });
      navigate(`/video/${encodeURIComponent(s.id)}`);
    });
  });
  card.append(form);
  return card;
}
