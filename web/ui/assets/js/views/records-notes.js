// The patient's "Notes from my care team" page: the notes shared with
// them (the server never sends others) and the resources their care team
// gave them.

import { api } from '../api.js';
import { h, timeEl } from '../dom.js';
import { card, frame, signedInAs } from './measures-page.js';

// kindName is how a note's kind reads.
export const kindName = { progress: 'Progress note', visit_summary: 'Visit summary', psychotherapy: 'Psychotherapy note' };

export async function notesView() {
  const me = await signedInAs('patient');
  if (!me) {
    return null;
  }
  const [{ notes }, { resources }] = await Promise.all([
    api('GET', `/api/patients/${me.id}/notes`),
    api('GET', `/api/patients/${me.id}/resources`),
  ]);
  return frame('Notes from my care team',
    'What your clinicians wrote after your visits, as they shared it with you. New notes appear here as soon as they are written.',
    card('notes-h', 'Notes', notes.length === 0
      ? h('p', { class: 'empty' }, 'No notes have been shared with you yet.')
      : h('ul', { class: 'list', id: 'note-list' }, notes.map(noteItem))),
    card('resources-h', 'Resources from my care team', resources.length === 0
      ? h('p', { class: 'empty' }, 'Your care team has not shared any articles or exercises yet.')
      : h('ul', { class: 'list' }, resources.map(resourceItem))));
}

function noteItem(n) {
  return h('li', {}, h('article', { class: 'list__main' },
    h('h3', { class: 'list__title' }, n.title),
    h('p', { class: 'list__meta' }, kindName[n.kind] || 'Note', n.author_name ? ` by ${n.author_name}` : '', ', ', timeEl(n.created_at)),
    h('div', { class: 'note-body' }, n.body)));
}

// resourceItem is an article or exercise: its text, its link (opened in a
// new tab, without a referrer), or both.
function resourceItem(r) {
  const link = r.url
    ? h('p', {}, h('a', { href: r.url, rel: 'noopener noreferrer', target: '_blank' }, 'Open the link',
      h('span', { class: 'visually-hidden' }, ` for ${r.title} (opens in a new tab)`)))
    : null;
  return h('li', {}, h('div', { class: 'list__main' },
    h('span', { class: 'list__title' }, r.title, h('span', { class: 'tag' }, r.kind === 'exercise' ? 'Exercise' : 'Article')),
    r.body ? h('div', { class: 'note-body' }, r.body) : null,
    link));
}
