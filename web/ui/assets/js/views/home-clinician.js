// The clinician's home: their patients, and inviting a new one.

import { api } from '../api.js';
import { h } from '../dom.js';
import { inviteForm } from './invite-form.js';

export async function clinicianHome() {
  const { patients } = await api('GET', '/api/me/patients');
  return [
    h('div', { class: 'grid grid--2' },
      h('section', { class: 'card', 'aria-labelledby': 'patients-h' },
        h('h2', { id: 'patients-h' }, 'My patients'),
        patients.length === 0
          ? h('p', { class: 'empty' }, 'You are not on any patient’s care team yet.')
          : h('ul', { class: 'list', id: 'my-patients' }, patients.map((p) => h('li', {},
            h('div', { class: 'list__main' }, h('span', { class: 'list__title' }, p.display_name)))))),
      inviteForm('They join your care team when they accept.')),
  ];
}
