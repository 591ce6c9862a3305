// Shared by the questionnaire, progress, mood, notes, safety-plan and chart
// pages: the signed-in check, the page frame, and the words for scores.

import { api } from '../api.js';
import { h } from '../dom.js';
import { navigate } from '../router.js';
import { pathFor, sessionState, started } from '../session.js';

// signedInAs returns the signed-in user (/api/me), or null after sending
// the browser to sign-in (or to its second step). When roles are given, a
// user of another role is sent home.
export async function signedInAs(...roles) {
  const state = await sessionState();
  if (!state.signed_in || state.mfa !== 'full') {
    navigate(state.signed_in ? pathFor(state.mfa) : '/signin', { replace: true });
    return null;
  }
  started(state);
  const me = await api('GET', '/api/me');
  if (roles.length > 0 && !roles.includes(me.role)) {
    navigate('/home', { replace: true });
    return null;
  }
  return me;
}

// frame is a wide page: a link home, the one h1, an optional lede, then
// the content.
export function frame(title, lede, ...content) {
  return h('div', { class: 'wide' },
    h('p', {}, h('a', { href: '/home' }, 'Back to your home')),
    h('h1', {}, title),
    lede ? h('p', { class: 'lede' }, lede) : null,
    ...content);
}

// card is a titled section; its h2 names it for assistive technology.
export function card(id, title, ...content) {
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title),
    ...content);
}

// crisisLink points to the crisis page, which lists 988, the emergency
// number and the patient's safety plan.
export function crisisLink() {
  return h('p', { class: 'notice' },
    'Thinking about hurting yourself, or in crisis right now? ',
    h('a', { href: '/crisis' }, 'Get help now'), '.');
}

// Severity bands as people read them.
const bands = {
  minimal: 'Minimal',
  mild: 'Mild',
  moderate: 'Moderate',
  moderately_severe: 'Moderately severe',
  severe: 'Severe',
  none: 'No risk identified',
  low: 'Low risk',
  high: 'High risk',
};

export function bandName(band) {
  return bands[band] || band;
}

// Short instrument names, for headings and lists.
const shortNames = { phq9: 'PHQ-9 (depression)', gad7: 'GAD-7 (anxiety)', cssrs: 'C-SSRS (suicide risk screen)' };

export function shortName(id) {
  return shortNames[id] || id;
}

// scaleOf is how an instrument's chart is drawn: its range, the tick
// marks (the severity cut points) and how a value reads.
export function scaleOf(id, max) {
  switch (id) {
    case 'phq9':
      return { min: 0, max, ticks: [0, 5, 10, 15, 20, 27] };
    case 'gad7':
      return { min: 0, max, ticks: [0, 5, 10, 15, 21] };
    case 'cssrs':
      return { min: 0, max: 3, ticks: [0, 1, 2, 3], tickLabel: (v) => ['None', 'Low', 'Moderate', 'High'][v] };
    default:
      return { min: 0, max, ticks: [0, max] };
  }
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const longDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

// shortDay formats a Date as "Mar 2"; longDate as "Mar 2, 2026".
export function shortDay(d) {
  return dayFormat.format(d);
}

export function longDate(d) {
  return longDay.format(d);
}

// localDay turns a YYYY-MM-DD day into a Date at local noon (so that it
// formats as that day in every zone).
export function localDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d, 12);
}

// zone is the browser's IANA time zone.
export function zone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
