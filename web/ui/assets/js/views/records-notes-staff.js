// The clinician's notes section of a patient's chart: write a note, share
// it with the patient or withhold it under a Cures Act exception, and see
// every note the clinician may read.

import { api } from '../api.js';
import { button, errorBox, field, h, nextId, selectField, statusBox, submitting, timeEl } from '../dom.js';
import { kindName } from './records-notes.js';

// EXCEPTIONS are the information-blocking exceptions (45 CFR part 171).
const EXCEPTIONS = [
  ['preventing_harm', 'Preventing harm (§ 171.201)'],
  ['privacy', 'Privacy (§ 171.202)'],
  ['security', 'Security (§ 171.203)'],
  ['infeasibility', 'Infeasibility (§ 171.204)'],
  ['health_it_performance', 'Health IT performance (§ 171.205)'],
  ['content_and_manner', 'Content and manner (§ 171.301)'],
  ['fees', 'Fees (§ 171.302)'],
  ['licensing', 'Licensing (§ 171.303)'],
];
const exceptionName = Object.fromEntries(EXCEPTIONS);

export async function staffNotesSection(patientId) {
  const base = `/api/patients/${patientId}/notes`;
  const status = statusBox();
  const list = h('div', {});
  const refresh = async (message) => {
    const { notes } = await api('GET', base);
    list.replaceChildren(notes.length === 0
      ? h('p', { class: 'empty' }, 'No notes yet.')
      : h('ul', { class: 'list', id: 'staff-note-list' }, notes.map((n) => noteItem(n, base, refresh))));
    status.textContent = message || '';
  };
  await refresh();
  return h('section', { class: 'card', 'aria-labelledby': 'staff-notes-h' },
    h('h2', { id: 'staff-notes-h' }, 'Notes'),
    status,
    writeForm(base, refresh),
    h('h3', { class: 'subhead' }, 'All notes'),
    list);
}

// writeForm writes a note, shared unless withheld (psychotherapy notes
// never are).
function writeForm(base, refresh) {
  const box = errorBox();
  const kind = selectField({ label: 'Type of note', name: 'kind', options: Object.entries(kindName) });
  const title = field({ label: 'Title', name: 'title', maxlength: 200 });
  const bodyId = nextId('note-body');
  const body = h('textarea', { id: bodyId, name: 'body', required: true, rows: 6 });
  const share = h('input', { type: 'radio', name: nextId('sharing'), value: 'share', checked: true });
  const withhold = h('input', { type: 'radio', name: share.name, value: 'withhold' });
  const why = selectField({ label: 'Exception that applies', name: 'exception', options: EXCEPTIONS });
  const sharing = h('fieldset', { class: 'question' },
    h('legend', {}, 'Share with the patient?'),
    h('label', { class: 'option' }, share, h('span', {}, 'Share now (the patient can read it in Haven)')),
    h('label', { class: 'option' }, withhold, h('span', {}, 'Withhold under an information-blocking exception')),
    why.wrap);
  const privateHint = h('p', { class: 'hint', hidden: true }, 'Psychotherapy notes are kept apart from the record: only you can read them, and they are never shared with the patient.');
  const sync = () => {
    const psy = kind.input.value === 'psychotherapy';
    sharing.hidden = psy;
    privateHint.hidden = !psy;
    why.wrap.hidden = !withhold.checked;
  };
  const form = h('form', { id: 'note-form', method: 'post', action: '/chart' },
    h('h3', { class: 'subhead' }, 'Write a note'), box, kind.wrap, privateHint, title.wrap,
    h('div', { class: 'field' }, h('label', { for: bodyId }, 'Note'), body),
    sharing,
    h('div', { class: 'actions' }, button('Save note', { type: 'submit' })));
  form.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitting(form, box, async () => {
      const psy = kind.input.value === 'psychotherapy';
      await api('POST', base, {
        kind: kind.input.value, title: title.input.value, body: body.value,
        withhold: !psy && withhold.checked ? why.input.value : '',
      });
      title.input.value = '';
      body.value = '';
      await refresh('The note is saved.');
    });
  });
  return form;
}

// noteItem is one note with its sharing state and the action that changes
// it.
function noteItem(n, base, refresh) {
  const box = errorBox();
  const state = n.kind === 'psychotherapy' ? 'Private to you'
    : n.withheld ? `Withheld: ${exceptionName[n.withheld] || n.withheld}` : 'Shared with the patient';
  let action = null;
  if (n.kind !== 'psychotherapy' && n.withheld) {
    const form = h('form', { method: 'post', action: '/chart' }, box,
      button('Share with the patient', { type: 'submit', kind: 'quiet small' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      submitting(form, box, async () => {
        await api('POST', `${base}/${n.id}/share`);
        await refresh('The note is now shared with the patient.');
      });
    });
    action = form;
  } else if (n.kind !== 'psychotherapy') {
    const why = selectField({ label: 'Exception that applies', name: 'exception', options: EXCEPTIONS });
    const form = h('form', { method: 'post', action: '/chart' }, box, why.wrap,
      button('Withhold from the patient', { type: 'submit', kind: 'danger small' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      submitting(form, box, async () => {
        await api('POST', `${base}/${n.id}/withhold`, { exception: why.input.value });
        await refresh('The note is withheld from the patient.');
      });
    });
    action = h('details', {}, h('summary', {}, 'Withhold this note'), form);
  }
  return h('li', {}, h('div', { class: 'list__main' },
    h('span', { class: 'list__title' }, n.title),
    h('span', { class: 'list__meta' }, kindName[n.kind] || n.kind, n.author_name ? ` by ${n.author_name}` : '', ', ', timeEl(n.created_at), ' · ',
      h('span', { class: n.withheld ? 'tag tag--alert' : 'tag' }, state)),
    h('details', {}, h('summary', {}, 'Read the note'), h('div', { class: 'note-body' }, n.body)),
    action));
}
