// The open-time picker: a day (only days with open times) and then a time
// on it, in the viewer's zone, two weeks at a time.

import { api } from '../api.js';
import { button, h, nextId } from '../dom.js';
import { at, dayLabel, localDay } from './visits-common.js';

const WEEKS = 2;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_AHEAD_DAYS = 364;

// slotPicker returns {node, chosen(), reload()} for a clinician's visit
// type; chosen() is the start (RFC 3339) of the chosen time, or ''.
// onChange is called when the choice changes.
export function slotPicker(clinicianId, typeId, onChange = () => {}) {
  const dayId = nextId('slot-day');
  const daySelect = h('select', { id: dayId, name: 'day' });
  const times = h('div', { class: 'slot-choices', role: 'radiogroup', 'aria-labelledby': `${dayId}-times` });
  const legend = h('p', { class: 'label', id: `${dayId}-times` }, 'Time');
  const note = h('p', { class: 'muted', 'aria-live': 'polite' });
  const later = button('Show later dates', { kind: 'quiet small' });
  const node = h('div', { class: 'slot-picker' },
    h('div', { class: 'field' }, h('label', { for: dayId }, 'Day'), daySelect),
    h('div', { class: 'field' }, legend, times),
    note,
    h('div', { class: 'actions' }, later));
  let until = new Date();
  let days = new Map(); // YYYY-MM-DD → [slot]
  let chosen = '';

  const showTimes = () => {
    const list = days.get(daySelect.value) || [];
    chosen = '';
    const name = nextId('slot');
    times.replaceChildren(...list.map((s) => {
      const input = h('input', { type: 'radio', name, value: s.start });
      input.addEventListener('change', () => {
        chosen = input.value;
        onChange(chosen);
      });
      return h('label', { class: 'slot-choice' }, input, ' ', at(s.start, 'time'));
    }));
    legend.hidden = list.length === 0;
    onChange(chosen);
  };
  daySelect.addEventListener('change', showTimes);

  const showDays = (keep) => {
    daySelect.replaceChildren(...[...days.entries()].map(([day, list]) =>
      h('option', { value: day }, `${dayLabel(day)} — ${list.length} open ${list.length === 1 ? 'time' : 'times'}`)));
    if (days.size === 0) {
      note.textContent = 'No open times in the dates shown. Try later dates, or join the waitlist below.';
      daySelect.disabled = true;
    } else {
      note.textContent = '';
      daySelect.disabled = false;
      daySelect.value = keep && days.has(keep) ? keep : days.keys().next().value;
    }
    showTimes();
  };

  // load fetches open times from..to and adds them.
  const load = async (from, to) => {
    const q = new URLSearchParams({ type: String(typeId), from: from.toISOString(), to: to.toISOString() });
    const { slots } = await api('GET', `/api/clinicians/${clinicianId}/slots?${q}`);
    for (const s of slots) {
      const day = localDay(new Date(s.start));
      if (!days.has(day)) {
        days.set(day, []);
      }
      days.get(day).push(s);
    }
  };

  later.addEventListener('click', async () => {
    later.disabled = true;
    note.textContent = 'Looking for later dates…';
    try {
      const from = until;
      until = new Date(from.getTime() + WEEKS * 7 * DAY_MS);
      await load(from, until);
      showDays(daySelect.value);
    } catch (err) {
      note.textContent = err.message;
    } finally {
      later.disabled = until.getTime() - Date.now() > MAX_AHEAD_DAYS * DAY_MS;
    }
  });

  // reload fetches everything shown again, keeping the chosen day.
  const reload = async () => {
    const keep = daySelect.value;
    const end = until.getTime() > Date.now() ? until : new Date(Date.now() + WEEKS * 7 * DAY_MS);
    days = new Map();
    until = new Date();
    while (until < end) {
      const from = until;
      until = new Date(Math.min(end.getTime(), from.getTime() + WEEKS * 7 * DAY_MS));
      await load(from, until);
    }
    showDays(keep);
  };

  return { node, chosen: () => chosen, reload };
}
