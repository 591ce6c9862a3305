// What the user wrote that the server has not acknowledged yet, kept in
// this tab's sessionStorage so a reload, a lost connection or a closed
// laptop lid loses nothing:
//
//   - the draft: the composer's text of each conversation, until sent;
//   - the outbox: each message sent but not yet acknowledged, with the
//     client_id chosen when it was first sent. Every retry reuses that id,
//     so the server stores it once (chat.send is idempotent by client_id).
//     An item leaves the outbox when its chat.send.ok arrives, or its own
//     chat.message does (whichever comes first).
//
// Keys name the user and the conversation; everything under the prefix is
// dropped when the user signs out of this tab.

import { newClientId, sentence } from './chat-common.js';

const PREFIX = 'haven.chat.';

// RETRYABLE are the error codes after which the same send is tried again
// (PROTOCOL.md §5): the server was unreachable, busy or failed.
const RETRYABLE = new Set(['unavailable', 'rate_limited', 'internal', 'conflict']);

function key(kind, user, conv) {
  return `${PREFIX}${kind}.${user}.${conv}`;
}

function read(k, fallback) {
  try {
    const v = sessionStorage.getItem(k);
    return v === null ? fallback : JSON.parse(v);
  } catch {
    return fallback;
  }
}

function write(k, v) {
  try {
    if (v === null || (Array.isArray(v) && v.length === 0) || v === '') {
      sessionStorage.removeItem(k);
    } else {
      sessionStorage.setItem(k, JSON.stringify(v));
    }
  } catch {
    // storage full or disabled: the page works without the copy
  }
}

// readDraft returns the unsent composer text of a conversation.
export function readDraft(user, conv) {
  const v = read(key('draft', user, conv), '');
  return typeof v === 'string' ? v : '';
}

// writeDraft keeps (or, empty, forgets) the composer text.
export function writeDraft(user, conv, text) {
  write(key('draft', user, conv), text);
}

// forgetChatData drops every draft and outbox of this tab.
export function forgetChatData(exceptUser = 0) {
  try {
    for (const k of Object.keys(sessionStorage)) {
      if (k.startsWith(PREFIX) && !(exceptUser && k.split('.')[3] === String(exceptUser))) {
        sessionStorage.removeItem(k);
      }
    }
  } catch {
    // nothing to forget
  }
}

let watchingSignOut = false;

// forgetOnSignOut drops the tab's chat data when the user signs out here.
function forgetOnSignOut() {
  if (watchingSignOut) {
    return;
  }
  watchingSignOut = true;
  document.addEventListener('click', (ev) => {
    if (ev.target instanceof Element && ev.target.closest('#sign-out, #sign-out-everywhere')) {
      forgetChatData();
    }
  }, true);
}

// Outbox sends a user's messages in order, one at a time per conversation,
// retrying each with its client_id until it is acknowledged or refused.
export class Outbox {
  // live is the hub; onAck(conv, item, answer) runs once per acknowledged
  // item; onChange(conv) after any change of a conversation's outbox.
  constructor(live, user, { onAck, onChange }) {
    this.live = live;
    this.user = user;
    this.onAck = onAck;
    this.onChange = onChange;
    this.busy = new Set();
    this.timers = new Map();
    this.attempts = new Map();
    forgetOnSignOut();
    forgetChatData(user); // another user's leftovers in this tab
  }

  // items returns the conversation's unacknowledged messages, oldest first:
  // {client_id, body, attachments: [{id, type, size}], failed?}.
  items(conv) {
    const v = read(key('outbox', this.user, conv), []);
    return Array.isArray(v) ? v : [];
  }

  save(conv, items) {
    write(key('outbox', this.user, conv), items);
    this.onChange(conv);
  }

  // add queues a message and starts sending it.
  add(conv, body, attachments) {
    const item = { client_id: newClientId(), body, attachments };
    this.save(conv, [...this.items(conv), item]);
    this.flush(conv);
    return item;
  }

  // settle removes an item (acknowledged, or its message arrived) and
  // returns it, or null when it was not there.
  settle(conv, clientId) {
    const items = this.items(conv);
    const item = items.find((i) => i.client_id === clientId);
    if (item) {
      this.save(conv, items.filter((i) => i !== item));
    }
    return item || null;
  }

  // conversations lists the conversations with something in the outbox.
  conversations() {
    const prefix = key('outbox', this.user, '');
    try {
      return Object.keys(sessionStorage).filter((k) => k.startsWith(prefix)).map((k) => Number(k.slice(prefix.length))).filter((n) => n > 0);
    } catch {
      return [];
    }
  }

  // flushAll sends every conversation's outbox (after a welcome).
  flushAll() {
    for (const conv of this.conversations()) {
      this.flush(conv);
    }
  }

  // flush sends the conversation's waiting items in order while the hub
  // is online. A retryable failure stops the round and tries again later
  // (after a backoff, or at the next welcome); any other failure marks
  // the item failed with the server's message, for the user to edit or
  // discard.
  async flush(conv) {
    if (this.busy.has(conv)) {
      return;
    }
    this.busy.add(conv);
    clearTimeout(this.timers.get(conv));
    try {
      for (;;) {
        const item = this.items(conv).find((i) => !i.failed);
        if (!item || this.live.status !== 'online') {
          return;
        }
        let answer;
        try {
          answer = await this.live.request('chat.send', sendFrame(conv, item));
        } catch (err) {
          if (RETRYABLE.has(err.code)) {
            this.later(conv);
            return;
          }
          this.mark(conv, item.client_id, sentence(err.message) || 'This message could not be sent.');
          continue;
        }
        this.attempts.delete(conv);
        this.onAck(conv, item, answer); // shown as stored first, so the item never blinks out
        this.settle(conv, item.client_id);
      }
    } finally {
      this.busy.delete(conv);
    }
  }

  // later tries the conversation again after a full-jitter backoff, if the
  // hub is still online then (otherwise the next welcome does).
  later(conv) {
    const n = this.attempts.get(conv) || 0;
    this.attempts.set(conv, n + 1);
    const wait = Math.random() * Math.min(30000, 1000 * 2 ** n);
    this.timers.set(conv, setTimeout(() => this.flush(conv), wait));
  }

  mark(conv, clientId, message) {
    this.save(conv, this.items(conv).map((i) => (i.client_id === clientId ? { ...i, failed: message } : i)));
  }
}

// sendFrame is the chat.send data of an outbox item.
function sendFrame(conv, item) {
  const data = { conversation: conv, client_id: item.client_id, body: item.body };
  if (item.attachments && item.attachments.length > 0) {
    data.attachments = item.attachments.map((a) => a.id);
  }
  return data;
}
