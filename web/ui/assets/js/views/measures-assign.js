// The clinician's questionnaire section of a patient's chart: assign a
// questionnaire once or on a schedule, and see or stop what is open.

import { api } from '../api.js';
import { button, errorBox, field, h, selectField, statusBox, submitting, timeEl } from '../dom.js';
import { zone } from './measures-page.js';

const REPEATS = [['0', 'Once'], ['7', 'Every week'], ['14', 'Every 2 weeks'], ['28', 'Every 4 weeks']];

export async function assignSection(patientId) {
  const base = `/api/patients/${patientId}/measures/assignments`;
  const { instruments } = await api('GET', '/api/measures/instruments');
  const status = statusBox();
  const open = h('div', {});
  const refresh = async (message) => {
    const { assignments } = await api('GET', base);
    open.replaceChildren(assignments.length === 0
      ? h('p', { class: 'empty' }, 'Nothing is waiting for this patient.')
      : h('ul', { class: 'list', id: 'open-assignments' }, assignments.map((a) => openItem(a, base, refresh))));
    status.textContent = message || '';
  };
  await refresh();
  return h('section', { class: 'card', 'aria-labelledby': 'assign-h' },
    h('h2', { id: 'assign-h' }, 'Questionnaires'),
    status,
    assignForm(instruments, base, refresh),
    h('h3', { class: 'subhead' }, 'Waiting for the patient'),
    open);
}

function assignForm(instruments, base, refresh) {
  const box = errorBox();
  const which = selectField({ label: 'Questionnaire', name: 'instrument', options: instruments.map((i) => [i.id, i.name]) });
  const today = new Date();
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const first = field({ label: 'First due on', name: 'due', type: 'date', value: iso(today), min: iso(today),
    hint: `Due that day at 9:00 (or now, for today), in ${zone()}.` });
  const repeat = selectField({ label: 'How often', name: 'every_days', options: REPEATS });
  const form = h('form', { id: 'assign-form', method: 'post', action: '/chart' },
    h('h3', { class: 'subhead' }, 'Assign a questionnaire'), box, which.wrap, first.wrap, repeat.wrap,
    h('div', { class: 'actions' }, button('Assign', { type: 'submit' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      const day = first.input.value;
      let due = new Date();
      if (day && day !== iso(new Date())) {
        due = new Date(`${day}T09:00`);
      }
      if (Number.isNaN(due.getTime())) {
        throw new Error('Choose the first due date.');
      }
      await api('POST', base, { instrument: which.input.value, due: due.toISOString(), zone: zone(), every_days: Number(repeat.input.value) });
      await refresh('The questionnaire is assigned.');
    });
  });
  return form;
}

// openItem is an open assignment with a button to stop it.
function openItem(a, base, refresh) {
  const box = errorBox();
  const stop = button('Stop', { type: 'submit', kind: 'quiet small' });
  stop.setAttribute('aria-label', `Stop ${a.instrument_name}`);
  const form = h('form', { method: 'post', action: '/chart' }, box, stop);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      await api('DELETE', `${base}/${a.id}`);
      await refresh('The questionnaire is stopped.');
    });
  });
  return h('li', {},
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, a.instrument_name),
      h('span', { class: 'list__meta' }, 'Due ', timeEl(a.due), a.every_days > 0 ? `, then every ${a.every_days} days` : '')),
    h('div', { class: 'actions' }, form));
}
