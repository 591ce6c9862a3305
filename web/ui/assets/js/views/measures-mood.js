// The patient's daily mood check-in: a 1–10 scale and an optional note,
// then the trend. A second check-in on the same day replaces the first.

import { api } from '../api.js';
import { button, errorBox, h, nextId, statusBox, submitting } from '../dom.js';
import { card, frame, localDay, longDate, signedInAs, zone } from './measures-page.js';
import { moodChart } from './measures-scores.js';

export async function moodView() {
  const me = await signedInAs('patient');
  if (!me) {
    return null;
  }
  const trend = h('div', {}, await moodChart(me.id, { empty: 'Your check-ins will show here.' }));
  const notes = h('div', {}, await recentNotes(me.id));
  const refresh = async () => {
    trend.replaceChildren(await moodChart(me.id));
    notes.replaceChildren(await recentNotes(me.id));
  };
  return frame('Mood check-in',
    'A quick daily check-in helps you and your care team notice changes. It takes a few seconds.',
    card('checkin-h', 'How are you feeling today?', checkInForm(me, refresh)),
    trend,
    notes);
}

// checkInForm is the 1–10 scale as radio buttons (arrow keys move along
// it) and an optional note.
function checkInForm(me, refresh) {
  const box = errorBox();
  const status = statusBox();
  const name = nextId('mood');
  const radios = [];
  for (let v = 1; v <= 10; v += 1) {
    radios.push(h('input', { type: 'radio', name, value: String(v), 'aria-label': `${v}${v === 1 ? ', worst' : v === 10 ? ', best' : ''}` }));
  }
  const noteId = nextId('mood-note');
  const note = h('textarea', { id: noteId, name: 'note', maxlength: 2000, rows: 3, 'aria-describedby': `${noteId}-hint` });
  const form = h('form', { id: 'mood-form', method: 'post', action: '/mood' },
    box,
    h('fieldset', { class: 'question' },
      h('legend', {}, 'Rate your mood from 1 (worst) to 10 (best)'),
      h('div', { class: 'scale' }, radios.map((r) => h('label', { class: 'option' }, r, h('span', { 'aria-hidden': 'true' }, r.value))))),
    h('div', { class: 'field' },
      h('label', { for: noteId }, 'Anything you want to note? (optional)'),
      note,
      h('span', { class: 'hint', id: `${noteId}-hint` }, 'Only you and your care team can read it.')),
    status,
    h('div', { class: 'actions' }, button('Save check-in', { type: 'submit' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    status.textContent = '';
    const chosen = radios.find((r) => r.checked);
    if (!chosen) {
      box.textContent = 'Choose a number from 1 to 10 first.';
      radios[0].focus();
      return;
    }
    submitting(form, box, async () => {
      const m = await api('POST', `/api/patients/${me.id}/mood`, { score: Number(chosen.value), note: note.value, zone: zone() });
      status.textContent = `Saved: ${m.score} of 10 for ${longDate(localDay(m.day))}.`;
      await refresh();
    });
  });
  return form;
}

// recentNotes lists the last 90 days' check-ins that have a note.
async function recentNotes(patientId) {
  const { entries } = await api('GET', `/api/patients/${patientId}/mood`);
  const withNotes = entries.filter((e) => e.note).reverse();
  if (withNotes.length === 0) {
    return h('div', {});
  }
  return card('mood-notes-h', 'Your notes',
    h('ul', { class: 'list' }, withNotes.map((e) => h('li', {}, h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, `${longDate(localDay(e.day))} · ${e.score} of 10`),
      h('p', { class: 'note-body' }, e.note))))));
}
