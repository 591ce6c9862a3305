// The clinician's home: their patients, and inviting a new one.

import { api } from '../api.js';
import { h } from '../dom.js';
import { inviteForm } from './invite-form.js';

export async function clinicianHome() {
  const { patients } = await api('GET', '/api/me/patients');
  return [
    h('nav', { class: 'card care-links', 'aria-labelledby': 'work-h' },
      h('h2', { id: 'work-h' }, 'Your work'),
      h('ul', { class: 'link-list' },
        h('li', {}, h('a', { href: '/inbox', id: 'inbox-link' }, 'Inbox')),
        h('li', {}, h('a', { href: '/my-day', id: 'my-day-link' }, 'My day')),
        h('li', {}, h('a', { href: '/availability', id: 'availability-link' }, 'Availability')),
        h('li', {}, h('a', { href: '/refills', id: 'refills-link' }, 'Refill requests')),
        h('li', {}, h('a', { href: '/video', id: 'video-link' }, 'Video sessions')))),
    h('div', { class: 'grid grid--2' },
      h('section', { class: 'card', 'aria-labelledby': 'patients-h' },
        h('h2', { id: 'patients-h' }, 'My patients'),
        patients.length === 0
          ? h('p', { class: 'empty' }, 'You are not on any patient’s care team yet.')
          : h('ul', { class: 'list', id: 'my-patients' }, patients.map((p) => h('li', {},
            h('div', { class: 'list__main' }, h('span', { class: 'list__title' }, p.display_name)),
            h('a', { href: `/chart?patient=${p.id}`, class: 'button button--quiet button--small', 'aria-label': `Chart of ${p.display_name}` }, 'Chart'),
            h('a', { href: `/patient-medications?patient=${p.id}`, class: 'button button--quiet button--small', 'aria-label': `Medications of ${p.display_name}` }, 'Medications'))))),
      inviteForm('They join your care team when they accept.')),
  ];
}
