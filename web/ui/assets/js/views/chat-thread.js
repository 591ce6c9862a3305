// A conversation's messages on its page: the messages the store holds,
// then the user's unacknowledged ones, each of the user's own messages
// with its state ("Sending…", "Delivered", "Read", or why it was not
// sent). Items are kept by key and moved rather than rebuilt, so focus and
// scroll survive updates.

import { button, h, timeEl } from '../dom.js';
import { nameOf } from './chat-names.js';

// threadList renders a conversation into an <ol>; call render() after any
// change. meta() returns the conversation's summary (kind, participants)
// or null. onEdit(item) puts a refused message back in the composer.
export function threadList({ store, conv, me, meta, onEdit }) {
  const list = h('ol', { class: 'chat-thread', id: 'chat-thread', 'aria-label': 'Messages' });
  const empty = h('p', { class: 'empty', id: 'chat-empty', hidden: true }, 'No messages yet. Write the first one below.');
  const items = new Map(); // key → li

  const render = () => {
    const t = store.thread(conv);
    const ordered = [];
    const keys = new Set();
    for (const m of t.msgs) {
      const key = keyOf(m, me);
      keys.add(key);
      let li = items.get(key);
      if (!li || li.dataset.seq === '') {
        li = messageItem(m, me, meta());
        items.set(key, li);
      }
      setState(li, m, me, t, meta());
      ordered.push(li);
    }
    for (const p of store.pending(conv)) {
      const key = `c:${p.client_id}`;
      if (keys.has(key)) {
        continue;
      }
      keys.add(key);
      let li = items.get(key);
      if (!li || (li.dataset.failed || '') !== (p.failed || '')) {
        li = pendingItem(p, () => onEdit(p), () => store.discard(conv, p.client_id));
        items.set(key, li);
      }
      ordered.push(li);
    }
    for (const key of [...items.keys()]) {
      if (!keys.has(key)) {
        items.delete(key);
      }
    }
    place(list, ordered);
    empty.hidden = !t.loaded || ordered.length > 0;
  };

  return { node: h('div', { class: 'chat-thread-wrap' }, empty, list), render };
}

// keyOf keys the user's own messages by client_id (so the pending item
// becomes the delivered one in place) and others' by seq.
function keyOf(m, me) {
  return m.sender === me.id && m.client_id ? `c:${m.client_id}` : `s:${m.seq}`;
}

// place makes list's children exactly ordered, moving only what moved.
function place(list, ordered) {
  let ref = list.firstChild;
  for (const li of ordered) {
    if (li === ref) {
      ref = ref.nextSibling;
      continue;
    }
    list.insertBefore(li, ref);
  }
  while (ref) {
    const next = ref.nextSibling;
    ref.remove();
    ref = next;
  }
}

function messageItem(m, me, summary) {
  const mine = m.sender === me.id;
  const participant = summary ? (summary.participants || []).find((p) => p.user === m.sender) : null;
  const who = mine ? 'You' : nameOf(m.sender, { role: participant ? participant.role : roleGuess(m, summary), kind: summary ? summary.kind : '' });
  return h('li', { class: mine ? 'chat-msg chat-msg--mine' : 'chat-msg', 'data-seq': String(m.seq), 'data-sender': String(m.sender) },
    h('p', { class: 'chat-msg__head' }, h('span', { class: 'chat-msg__who' }, who), ' ', timeEl(m.at)),
    body(m.body),
    files(m.attachments),
    mine ? h('p', { class: 'chat-msg__state' }) : null);
}

// roleGuess tells a patient sender from staff when the sender has left.
function roleGuess(m, summary) {
  return summary && m.sender === summary.patient ? 'patient' : 'staff';
}

function pendingItem(p, edit, discard) {
  const state = h('p', { class: 'chat-msg__state', 'data-state': p.failed ? 'failed' : 'sending' },
    p.failed ? `Not sent: ${p.failed}` : 'Sending…');
  let actions = null;
  if (p.failed) {
    const e = button('Edit', { kind: 'quiet small', onclick: edit });
    e.setAttribute('aria-label', 'Edit the message that was not sent');
    const d = button('Discard', { kind: 'quiet small', onclick: discard });
    d.setAttribute('aria-label', 'Discard the message that was not sent');
    actions = h('div', { class: 'actions' }, e, d);
  }
  return h('li', { class: 'chat-msg chat-msg--mine chat-msg--pending', 'data-seq': '', 'data-client-id': p.client_id, 'data-failed': p.failed || '' },
    h('p', { class: 'chat-msg__head' }, h('span', { class: 'chat-msg__who' }, 'You')),
    body(p.body),
    files((p.attachments || []).map((a) => a.id)),
    state, actions);
}

function body(text) {
  return text ? h('p', { class: 'chat-msg__body' }, text) : null;
}

// files links each attachment for download.
function files(ids) {
  if (!ids || ids.length === 0) {
    return null;
  }
  return h('ul', { class: 'chat-msg__files' }, ids.map((id, i) => h('li', {},
    h('a', { href: `/api/chat/attachments/${id}`, download: '', target: '_blank', rel: 'noopener', class: 'chat-file' },
      `Attachment ${i + 1}`))));
}

// setState shows where the user's own stored message is: read, or
// delivered (stored on the server). A patient's message is read once
// someone on the other side has read it; a staff member's once the
// patient has.
function setState(li, m, me, t, summary) {
  const state = li.querySelector('.chat-msg__state');
  if (!state || m.sender !== me.id) {
    return;
  }
  const patientOnly = me.role === 'patient' || !summary ? null : summary.patient;
  let read = false;
  for (const [user, seq] of t.reads) {
    if (user !== me.id && (patientOnly === null || user === patientOnly) && seq >= m.seq) {
      read = true;
      break;
    }
  }
  const text = read ? 'Read' : 'Delivered';
  if (state.textContent !== text) {
    state.textContent = text;
    state.dataset.state = read ? 'read' : 'delivered';
  }
}
