// Shared by the medication pages: refill answers and adherence in words.

import { h } from '../dom.js';
import { at } from './visits-common.js';

const stateText = { requested: 'Waiting for an answer', approved: 'Refill approved', declined: 'Refill declined' };

// refillList lists refill requests, newest first, with their answers.
export function refillList(refills, emptyText) {
  if (refills.length === 0) {
    return h('p', { class: 'empty' }, emptyText);
  }
  return h('ul', { class: 'list', id: 'refill-history' }, refills.map((r) => h('li', { 'data-state': r.state },
    h('div', { class: 'list__main' },
      h('span', { class: 'list__title' }, r.medication_name, ' ',
        h('span', { class: r.state === 'declined' ? 'tag tag--alert' : 'tag' }, stateText[r.state] || r.state)),
      h('span', { class: 'list__meta' }, 'Asked ', at(r.requested_at), r.decided_at ? [' · answered ', at(r.decided_at)] : null),
      r.note ? h('p', { class: 'refill-note' }, 'Note: ', h('q', {}, r.note)) : null))));
}

// adherenceText says how many due doses were recorded as taken.
export function adherenceText(c, days) {
  const pct = Math.round(c.rate * 100);
  return `Last ${days} days: ${pct}% of doses taken (${c.taken} of ${c.expected}${c.skipped ? `, ${c.skipped} skipped` : ''}).`;
}
