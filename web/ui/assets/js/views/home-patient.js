// The patient's home: their care team, who has viewed their record, and
// every emergency (break-glass) access to it.

import { api } from '../api.js';
import { h, roleName, timeEl } from '../dom.js';
import { crisisCard } from './crisis-button.js';
import { videoInvites } from './video-invites.js';

export async function patientHome(me) {
  const [team, log] = await Promise.all([
    api('GET', `/api/patients/${me.id}/care-team`),
    api('GET', '/api/me/access-log'),
  ]);
  return [
    crisisCard(),
    videoInvites(),
    h('nav', { class: 'card care-links', 'aria-labelledby': 'care-h' },
      h('h2', { id: 'care-h' }, 'Your care'),
      h('ul', { class: 'link-list' },
        h('li', {}, h('a', { href: '/messages', id: 'messages-link' }, 'Messages')),
        h('li', {}, h('a', { href: '/appointments', id: 'appointments-link' }, 'Appointments')),
        h('li', {}, h('a', { href: '/medications', id: 'medications-link' }, 'Medications')),
        h('li', {}, h('a', { href: '/questionnaires', id: 'questionnaires-link' }, 'Questionnaires')),
        h('li', {}, h('a', { href: '/progress', id: 'progress-link' }, 'My progress')),
        h('li', {}, h('a', { href: '/mood', id: 'mood-link' }, 'Mood check-in')),
        h('li', {}, h('a', { href: '/safety-plan', id: 'safety-plan-link' }, 'Safety plan')),
        h('li', {}, h('a', { href: '/notes', id: 'notes-link' }, 'Notes from my care team')))),
    breakGlassNotices(log.break_glass),
    h('div', { class: 'grid grid--2' },
      h('section', { class: 'card', 'aria-labelledby': 'team-h' },
        h('h2', { id: 'team-h' }, 'Your care team'),
        list(team.members, (m) => [h('span', { class: 'list__title' }, m.display_name), h('span', { class: 'list__meta' }, roleName(m.role))],
          'No clinicians are on your care team yet.')),
      h('section', { class: 'card', 'aria-labelledby': 'views-h' },
        h('h2', { id: 'views-h' }, 'Who has viewed your record'),
        h('p', { class: 'muted' }, 'Every time someone at your clinic opens your record, it is listed here.'),
        list(log.views, (v) => [
          h('span', { class: 'list__title' }, v.who.display_name || 'Clinic staff', ' ', h('span', { class: 'tag' }, roleName(v.who.role))),
          h('span', { class: 'list__meta' }, describe(v), ' · ', timeEl(v.at)),
        ], 'Nobody has viewed your record yet.'))),
    h('section', { class: 'card', 'aria-labelledby': 'mfa-h' },
      h('h2', { id: 'mfa-h' }, 'Two-step sign-in'),
      h('p', { class: 'muted' }, 'For extra safety, Haven can also ask for a code from an app on your phone each time you sign in.'),
      h('p', {}, h('a', { href: '/mfa/setup' }, 'Set up two-step sign-in'))),
  ];
}

// breakGlassNotices tells the patient plainly about emergency access.
function breakGlassNotices(grants) {
  const body = grants.length === 0
    ? h('p', { class: 'empty' }, 'No one has used emergency access to your record.')
    : h('ul', { class: 'list' }, grants.map((g) => h('li', {},
      h('div', { class: 'list__main' },
        h('span', { class: 'list__title' }, g.who.display_name, ' ', h('span', { class: 'tag tag--alert' }, roleName(g.who.role))),
        h('p', { class: 'list__meta' }, 'Opened ', timeEl(g.opened_at), ', access until ', timeEl(g.until), g.revoked_at ? ' (ended early)' : ''),
        h('p', {}, 'Reason given: ', h('q', {}, g.reason))))));
  return h('section', { class: 'card', 'aria-labelledby': 'bg-h' },
    h('h2', { id: 'bg-h' }, 'Emergency access to your record'),
    h('p', { class: 'muted' }, 'In an emergency, staff outside your care team can open your record for a short time. They must give a reason, and you see it here.'),
    body);
}

const described = {
  'breakglass.open': 'Opened emergency access to your record',
  'careteam.add': 'Added someone to your care team',
  'careteam.remove': 'Removed someone from your care team',
};

function describe(v) {
  if (described[v.action]) {
    return described[v.action];
  }
  if (v.action === 'access.denied' || v.outcome === 'denied') {
    return 'Was refused access to your record';
  }
  const verb = v.action.split('.').pop();
  if (verb === 'read') {
    return 'Viewed your record';
  }
  if (verb === 'write') {
    return 'Updated your record';
  }
  return 'Accessed your record';
}

function list(items, row, empty) {
  if (!items || items.length === 0) {
    return h('p', { class: 'empty' }, empty);
  }
  return h('ul', { class: 'list' }, items.map((it) => h('li', {}, h('div', { class: 'list__main' }, row(it)))));
}
