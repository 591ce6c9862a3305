// Settings: what to be notified about, and quiet hours. These apply to all
// of the user's devices.

import { api } from '../api.js';
import { button, errorBox, h, nextId, statusBox, submitting } from '../dom.js';

// kindText is how each kind of notification reads on the page.
const kindText = {
  message: ['New messages', 'When someone writes to you in Haven.'],
  appointment: ['Appointment reminders', 'Before each appointment.'],
  medication: ['Medication reminders', 'At the times you take your medication.'],
  questionnaire: ['Check-ins', 'When a check-in from your care team is waiting for you.'],
  crisis_alert: ['Crisis escalations', 'Always on while you work as a crisis counselor: a person in crisis must reach someone within seconds, so these cannot be turned off, and they come through during quiet hours.'],
};

export async function preferencesSection() {
  const card = (...children) => h('section', { class: 'card', 'aria-labelledby': 'prefs-h' },
    h('h2', { id: 'prefs-h' }, 'What to notify me about'), ...children);
  let prefs;
  try {
    prefs = await api('GET', '/api/push/preferences');
  } catch (err) {
    return card(h('p', { class: 'empty' }, err.message));
  }
  const box = errorBox();
  const status = statusBox();
  const kinds = prefs.kinds.map((k) => kindChoice(k, prefs.opt_out.includes(k.kind)));
  const quiet = quietHours(prefs, prefs.kinds.some((k) => k.always_on));
  const save = button('Save notification settings', { type: 'submit' });
  const form = h('form', { id: 'prefs-form', method: 'post', action: '/settings' },
    box,
    h('fieldset', { class: 'choices' },
      h('legend', { class: 'label' }, 'Notify me about'),
      kinds.map((k) => k.node)),
    quiet.node,
    status,
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    status.textContent = '';
    submitting(form, box, async () => {
      const shown = new Set(prefs.kinds.map((k) => k.kind));
      const optOut = prefs.opt_out.filter((k) => !shown.has(k))
        .concat(kinds.filter((k) => !k.alwaysOn && !k.input.checked).map((k) => k.kind));
      prefs = await api('PUT', '/api/push/preferences', { ...quiet.value(), opt_out: optOut });
      status.textContent = 'Your notification settings are saved.';
    });
  });
  return card(
    h('p', { class: 'muted' }, 'These choices apply to every device that gets your notifications.'),
    form);
}

// kindChoice is one kind's checkbox; an always-on kind is shown checked and
// cannot be changed, with the reason beside it.
function kindChoice(k, optedOut) {
  const [text, hint] = kindText[k.kind] || [k.kind, ''];
  const hintId = nextId('kind-hint');
  const input = h('input', { type: 'checkbox', name: 'kind', value: k.kind, 'aria-describedby': hint ? hintId : null });
  input.checked = k.always_on || !optedOut;
  input.disabled = k.always_on;
  const node = h('div', { class: 'field' },
    h('label', { class: 'choice' }, input, ' ', text, k.always_on ? h('span', { class: 'tag' }, 'Always on') : null),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null);
  return { node, input, kind: k.kind, alwaysOn: k.always_on };
}

// quietHours is the quiet hours part of the form: a switch, from and until
// times (every half hour) and the time zone they are in.
function quietHours(prefs, crisis) {
  const zone = prefs.zone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const has = prefs.quiet_start !== '' && prefs.quiet_end !== '';
  const on = h('input', { type: 'checkbox', name: 'quiet', id: nextId('quiet') });
  on.checked = has;
  const from = timeSelect('From', 'quiet_start', has ? prefs.quiet_start : '22:00');
  const until = timeSelect('Until', 'quiet_end', has ? prefs.quiet_end : '07:00');
  const tz = zoneSelect(zone);
  const sync = () => {
    for (const s of [from.input, until.input, tz.input]) {
      s.disabled = !on.checked;
    }
  };
  on.addEventListener('change', sync);
  sync();
  const node = h('fieldset', { class: 'choices' },
    h('legend', { class: 'label' }, 'Quiet hours'),
    h('p', { class: 'hint' }, 'Notifications that fall in your quiet hours wait until they end.',
      crisis ? ' Crisis escalations still come through.' : ''),
    h('div', { class: 'field' }, h('label', { class: 'choice' }, on, ' Hold notifications during quiet hours')),
    h('div', { class: 'grid grid--2' }, from.wrap, until.wrap),
    tz.wrap);
  const value = () => on.checked
    ? { quiet_start: from.input.value, quiet_end: until.input.value, zone: tz.input.value }
    : { quiet_start: '', quiet_end: '', zone: tz.input.value };
  return { node, value };
}

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });

// timeSelect offers the times of day every half hour (and the current
// value, should it fall between).
function timeSelect(label, name, current) {
  const times = [];
  for (let m = 0; m < 24 * 60; m += 30) {
    times.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  }
  if (!times.includes(current)) {
    times.push(current);
    times.sort();
  }
  const id = nextId(name);
  const input = h('select', { id, name }, times.map((t) => {
    const [hh, mm] = t.split(':').map(Number);
    return h('option', { value: t, selected: t === current }, clockFormat.format(Date.UTC(2000, 0, 1, hh, mm)));
  }));
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}

// zoneSelect offers the browser's time zones, the current one selected.
function zoneSelect(current) {
  let zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  if (!zones.includes(current)) {
    zones = [current, ...zones];
  }
  const id = nextId('zone');
  const input = h('select', { id, name: 'zone' },
    zones.map((z) => h('option', { value: z, selected: z === current }, z.replace(/_/g, ' '))));
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, 'Time zone'), input), input };
}
