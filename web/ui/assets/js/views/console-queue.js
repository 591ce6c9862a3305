// The console's queue: every open crisis request, waiting ones first, each
// group by severity then longest wait (the server's order), with the wait
// ticking, the trigger reference (never message text) and a button to
// take it. Nobody's name is shown until a counselor holds the request.

import { api } from '../api.js';
import { button, errorBox, h } from '../dom.js';

export const SOURCES = {
  button: 'Crisis button',
  message: 'Risk language in a message',
  measure: 'Questionnaire answer',
  clinician: 'Escalated by a clinician',
};
const SEVERITIES = { high: 'High', medium: 'Medium', low: 'Low' };
const TAKEN = 'Another counselor has already taken this.';

// waitText spells a wait: "Waiting 4 min 05 s".
export function waitText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const rest = String(s % 60).padStart(2, '0');
  return m > 0 ? `${m} min ${rest} s` : `${s % 60} s`;
}

// queueCard lists the queue. onClaimed(claim) runs after this counselor
// takes a request; onOpen(id) when they ask to see one they hold.
export function queueCard({ onClaimed, onOpen }) {
  const list = h('ul', { class: 'list queue', id: 'queue' });
  const problem = errorBox();
  const node = h('section', { class: 'card', 'aria-labelledby': 'queue-h' },
    h('h2', { id: 'queue-h' }, 'Crisis requests'), problem, list);
  const notes = new Map(); // id → what happened to it here (taken by someone else, an error)
  let items = [];

  const render = () => {
    if (items.length === 0) {
      list.replaceChildren(h('li', { class: 'empty' }, 'No one is waiting. New requests appear here at once.'));
      return;
    }
    list.replaceChildren(...items.map(row));
    tick();
  };

  const row = (it) => {
    const note = h('p', { class: 'row-note', 'aria-live': 'polite' }, notes.get(it.id) || '');
    const since = Date.now() - it.wait_ms;
    const waiting = !it.held && !notes.has(it.id);
    const meta = [
      it.held ? `Raised ${waitText(it.wait_ms)} ago` : h('span', { class: 'wait', 'data-since': String(since) }),
      ' · Trigger ', h('code', {}, it.trigger_ref),
      it.triggers > 1 ? ` · ${it.triggers} triggers` : '',
      it.tier > 1 ? ` · tier ${it.tier}` : '',
    ];
    let action = null;
    if (waiting) {
      action = button('Take this request', { kind: 'small' });
      action.setAttribute('aria-label', `Take request ${it.id}`);
      action.addEventListener('click', () => claim(it, action, note));
    } else if (it.held === 'you') {
      action = button('Show details', { kind: 'quiet small' });
      action.addEventListener('click', () => onOpen(it.id));
    } else if (it.held === 'other' && !notes.has(it.id)) {
      note.textContent = 'Another counselor is with this patient.';
    }
    return h('li', { 'data-id': String(it.id), 'data-held': it.held || '' },
      h('div', { class: 'list__main' },
        h('span', { class: 'list__title' },
          h('span', { class: it.severity === 'high' ? 'tag tag--alert' : 'tag' }, SEVERITIES[it.severity] || it.severity),
          ' ', SOURCES[it.source] || it.source, ` (request ${it.id})`),
        h('span', { class: 'list__meta' }, meta),
        note),
      action ? h('div', { class: 'actions' }, action) : null);
  };

  const claim = async (it, btn, note) => {
    btn.disabled = true;
    problem.textContent = '';
    try {
      const res = await api('POST', `/api/crisis/${it.id}/claim`);
      onClaimed(res);
      await load();
    } catch (err) {
      if (err.status === 409 || err.status === 403) {
        notes.set(it.id, err.message);
        note.textContent = err.message;
        btn.remove();
      } else {
        note.textContent = err.message;
        btn.disabled = false;
      }
    }
  };

  const tick = () => {
    for (const el of list.querySelectorAll('.wait[data-since]')) {
      el.textContent = `Waiting ${waitText(Date.now() - Number(el.dataset.since))}`;
    }
  };

  const load = async () => {
    try {
      const res = await api('GET', '/api/crisis/queue');
      items = res.items || [];
      problem.textContent = '';
      render();
    } catch (err) {
      problem.textContent = `The queue could not be refreshed: ${err.message}`;
    }
  };

  const clock = setInterval(() => (node.isConnected ? tick() : clearInterval(clock)), 1000);

  return {
    node,
    load,
    // taken marks a request someone else claimed.
    taken(id) {
      notes.set(id, TAKEN);
      const li = list.querySelector(`li[data-id="${Number(id)}"]`);
      if (li) {
        li.querySelector('.row-note').textContent = TAKEN;
        li.querySelector('.actions')?.remove();
      }
    },
    // has reports whether the queue lists the request.
    has(id) {
      return items.some((it) => it.id === id);
    },
  };
}
