// Shared by the appointment and medication pages: the signed-in guard,
// times in the viewer's own zone, and small page parts.

import { api } from '../api.js';
import { button, h } from '../dom.js';
import { navigate } from '../router.js';
import { pathFor, sessionState, started } from '../session.js';

// signedIn returns the signed-in user ({id, role, display_name, …}) when
// their role is one of roles, or sends them where they belong and returns
// null.
export async function signedIn(...roles) {
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

// viewerZone is the browser's IANA time zone.
export function viewerZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const dayTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });
const dayOnly = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const isoDay = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });

// at shows an RFC 3339 time in the viewer's zone as a <time> element, in
// one of the styles 'daytime' (default), 'day' or 'time'.
export function at(iso, style = 'daytime') {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return h('span', {}, '');
  }
  const f = style === 'day' ? dayOnly : style === 'time' ? timeOnly : dayTime;
  return h('time', { datetime: iso }, f.format(d));
}

// localDay is the viewer's date of an instant as YYYY-MM-DD.
export function localDay(date) {
  return isoDay.format(date);
}

// dayInZone is today's date in an IANA zone as YYYY-MM-DD.
export function dayInZone(zone, date = new Date()) {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
  } catch {
    return localDay(date);
  }
}

// clockInZone is the time of day (HH:MM, 24 h) in an IANA zone.
export function clockInZone(zone, date = new Date()) {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  } catch {
    return '00:00';
  }
}

// dayLabel shows a YYYY-MM-DD date for people ("Monday, 9 March").
export function dayLabel(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  return dayOnly.format(new Date(y, m - 1, d, 12));
}

// zoneNote tells the viewer which zone the page's times are shown in.
export function zoneNote() {
  return h('p', { class: 'lede', id: 'zone-note' }, `Times shown in your time zone (${viewerZone()}).`);
}

// backHome links back to the user's home.
export function backHome() {
  return h('p', {}, h('a', { href: '/home' }, 'Back to your home'));
}

// card is a titled section; id names its heading.
export function card(id, title, ...children) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

// modalityText is how a visit's modality reads.
export function modalityText(m) {
  return m === 'video' ? 'Video visit' : 'In person';
}

// confirmInPlace replaces the actions of a list item with a question and
// two buttons; yes runs act (errors go to box), no restores the actions.
export function confirmInPlace(actions, question, yesText, noText, box, act) {
  const saved = [...actions.childNodes];
  const yes = button(yesText, { kind: 'danger small' });
  const no = button(noText, { kind: 'quiet small' });
  no.addEventListener('click', () => {
    actions.replaceChildren(...saved);
    saved[0]?.focus();
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    box.textContent = '';
    try {
      await act();
    } catch (err) {
      box.textContent = err.message;
      yes.disabled = false;
    }
  });
  actions.replaceChildren(h('span', { class: 'confirm-q' }, question), yes, no);
  yes.focus();
}

// selectOf builds a labelled <select> with an empty prompt option.
export function selectOf(id, label, prompt, options, value = '') {
  const input = h('select', { id, name: id },
    h('option', { value: '' }, prompt),
    options.map(([v, text]) => h('option', { value: String(v) }, text)));
  input.value = String(value);
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}
