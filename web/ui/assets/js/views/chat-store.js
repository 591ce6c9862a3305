// The page's copy of the user's conversations, kept by the chat.* frames
// of the hub (chat/PROTOCOL.md). One store per signed-in user and page.
//
// Per conversation the page has opened it holds a thread: the messages it
// has, oldest first and gap-free, from the first it loaded up to `last`,
// the last contiguous sequence number it holds. That `last` is the cursor
// every hello carries ({chat: {resume: {"<id>": last}}}), so the server
// replays exactly what the page missed. The client rule of the protocol
// holds on top: a chat.message at or below `last` is a duplicate and is
// ignored; one further ahead is held until the missing ones arrive, and
// fetched with chat.history if they have not within 2 s.
//
// Participants' read positions (for "Delivered"/"Read") come from
// chat.conversations and chat.receipt; typing notices are passed on; the
// outbox (chat-outbox.js) sends what the user writes.

import { hub } from '../hub.js';
import { Outbox } from './chat-outbox.js';

const PAGE = 50; // messages per history page
const GAP_WAIT = 2000; // how long a gap may stay open before it is fetched
const TYPING_EVERY = 2500; // at most one typing notice per this long

let current = null;
let helloHooked = false;

// chatStore returns the page's store for the signed-in user me ({id,
// role, display_name}), making it on first use (and anew for another
// user).
export function chatStore(me) {
  if (!current || current.me.id !== me.id) {
    if (current) {
      current.close();
    }
    current = new Store(me);
  }
  if (!helloHooked) {
    helloHooked = true;
    hub().onHello(() => (current ? { chat: { resume: current.cursors() } } : {}));
  }
  return current;
}

class Store {
  constructor(me) {
    this.me = me;
    this.live = hub();
    this.threads = new Map(); // conversation id → thread
    this.summaries = new Map(); // conversation id → the latest chat.conversations entry
    this.replyExpectation = 0;
    this.subs = new Map(); // conversation id → Set of fn(change)
    this.activityFns = new Set();
    this.typedAt = new Map();
    this.outbox = new Outbox(this.live, me.id, {
      onAck: (conv, item, answer) => this.acked(conv, item, answer),
      onChange: (conv) => this.emit(conv, { type: 'outbox' }),
    });
    this.offs = [
      this.live.on('chat.message', (m) => this.onMessage(m)),
      this.live.on('chat.receipt', (r) => this.onReceipt(r)),
      this.live.on('chat.typing', (d) => d && d.user !== me.id && this.emit(d.conversation, { type: 'typing', user: d.user })),
      this.live.on('chat.conversation', (d) => this.activity('conversation', d)),
      this.live.on('chat.assigned', (d) => this.activity('assigned', d)),
      this.live.on('chat.resume', (d) => this.onResume(d)),
      this.live.on('welcome', () => this.onWelcome()),
    ];
    if (this.live.status === 'online') {
      this.outbox.flushAll();
    }
  }

  close() {
    this.offs.forEach((off) => off());
    for (const t of this.threads.values()) {
      clearTimeout(t.gapTimer);
    }
  }

  // cursors is the resume map of the next hello: each loaded conversation
  // and the last contiguous seq held.
  cursors() {
    const out = {};
    for (const t of this.threads.values()) {
      if (t.loaded && !t.gone) {
        out[String(t.id)] = t.last;
      }
    }
    return out;
  }

  // thread returns the conversation's thread, creating an empty one.
  thread(conv) {
    let t = this.threads.get(conv);
    if (!t) {
      t = { id: conv, loaded: false, loading: null, msgs: [], last: 0, more: false, ahead: new Map(), gapTimer: 0, reads: new Map(), gone: false, stale: false };
      this.threads.set(conv, t);
    }
    return t;
  }

  // subscribe calls fn with each change of a conversation: {type: 'reset' |
  // 'append' | 'prepend' | 'reads' | 'typing' | 'outbox' | 'gone' | 'meta',
  // …}. It returns the unsubscribe function.
  subscribe(conv, fn) {
    if (!this.subs.has(conv)) {
      this.subs.set(conv, new Set());
    }
    this.subs.get(conv).add(fn);
    return () => this.subs.get(conv).delete(fn);
  }

  emit(conv, change) {
    for (const fn of [...(this.subs.get(conv) || [])]) {
      try {
        fn(change);
      } catch (err) {
        console.error('chat view', err);
      }
    }
  }

  // onActivity calls fn(kind, data) when a list of conversations may have
  // changed (a message, receipt, new conversation, assignment, resume or
  // reconnection). It returns the unsubscribe function.
  onActivity(fn) {
    this.activityFns.add(fn);
    return () => this.activityFns.delete(fn);
  }

  activity(kind, data) {
    for (const fn of [...this.activityFns]) {
      fn(kind, data);
    }
  }

  // conversations asks for the user's conversations and keeps their
  // participants' read positions: {conversations, reply_expectation_s}.
  async conversations() {
    const res = await this.live.request('chat.conversations');
    this.replyExpectation = res.reply_expectation_s || 0;
    for (const s of res.conversations) {
      this.summaries.set(s.conversation, s);
      const t = this.threads.get(s.conversation);
      if (t) {
        for (const p of s.participants || []) {
          this.read(t, p.user, p.last_read_seq);
        }
        this.emit(t.id, { type: 'meta' });
      }
    }
    return res;
  }

  // load fetches the latest page of a conversation the first time it is
  // shown; live messages that arrive meanwhile are merged after it.
  load(conv) {
    const t = this.thread(conv);
    if (t.loaded) {
      return Promise.resolve(t);
    }
    if (!t.loading) {
      t.loading = this.live.request('chat.history', { conversation: conv, limit: PAGE }).then((page) => {
        t.msgs = [];
        t.last = page.messages.length > 0 ? page.messages[0].seq - 1 : 0;
        t.loaded = true;
        t.more = page.more;
        this.acceptAll(t, page.messages, false); // then what arrived meanwhile, held in ahead
        this.drain(t);
        this.watchGap(t);
        this.emit(conv, { type: 'reset' });
        return t;
      }).finally(() => {
        t.loading = null;
      });
    }
    return t.loading;
  }

  // loadEarlier fetches the page before the first message held.
  async loadEarlier(conv) {
    const t = this.thread(conv);
    if (!t.loaded || !t.more || t.msgs.length === 0) {
      return;
    }
    const first = t.msgs[0].seq;
    const page = await this.live.request('chat.history', { conversation: conv, before_seq: first, limit: PAGE });
    const older = page.messages.filter((m) => m.seq < t.msgs[0].seq);
    t.msgs = [...older, ...t.msgs];
    t.more = page.more;
    this.emit(conv, { type: 'prepend', messages: older });
  }

  onMessage(m) {
    if (!m || !Number.isInteger(m.conversation) || !Number.isInteger(m.seq)) {
      return;
    }
    const t = this.threads.get(m.conversation);
    if (t) {
      this.accept(t, m);
    }
    if (m.sender === this.me.id && m.client_id) {
      this.outbox.settle(m.conversation, m.client_id); // our send, committed
    }
    this.activity('message', m);
  }

  // accept adds one message under the client rule: duplicates are dropped,
  // the next one is appended, later ones wait for the gap to close.
  accept(t, m) {
    this.acceptAll(t, [m], true);
  }

  acceptAll(t, msgs, notify) {
    const added = [];
    for (const m of msgs) {
      if (!t.loaded) {
        t.ahead.set(m.seq, m); // merged once the first page is in
      } else if (m.seq === t.last + 1) {
        t.msgs.push(m);
        t.last = m.seq;
        added.push(m);
        added.push(...this.drain(t));
      } else if (m.seq > t.last + 1) {
        t.ahead.set(m.seq, m);
      }
    }
    this.watchGap(t);
    if (notify && added.length > 0) {
      this.emit(t.id, { type: 'append', messages: added });
    }
  }

  // drain appends held messages that now follow on, and drops held ones
  // already covered.
  drain(t) {
    const added = [];
    for (const seq of [...t.ahead.keys()].sort((a, b) => a - b)) {
      if (seq <= t.last) {
        t.ahead.delete(seq);
      } else if (seq === t.last + 1) {
        const m = t.ahead.get(seq);
        t.ahead.delete(seq);
        t.msgs.push(m);
        t.last = seq;
        added.push(m);
      }
    }
    return added;
  }

  // watchGap fetches the missing messages if a gap stays open for 2 s.
  watchGap(t) {
    if (!t.loaded || t.ahead.size === 0) {
      clearTimeout(t.gapTimer);
      t.gapTimer = 0;
      return;
    }
    if (!t.gapTimer) {
      t.gapTimer = setTimeout(() => {
        t.gapTimer = 0;
        this.fillGap(t);
      }, GAP_WAIT);
    }
  }

  async fillGap(t) {
    if (t.ahead.size === 0 || this.live.status !== 'online') {
      return; // the next welcome's resume covers it
    }
    const held = Math.min(...t.ahead.keys());
    try {
      const page = await this.live.request('chat.history', { conversation: t.id, before_seq: held, limit: Math.min(200, held - t.last - 1) });
      this.acceptAll(t, page.messages, true);
    } catch {
      this.watchGap(t);
    }
  }

  onReceipt(r) {
    if (!r || !Number.isInteger(r.conversation)) {
      return;
    }
    const t = this.threads.get(r.conversation);
    if (t && this.read(t, r.user, r.seq)) {
      this.emit(t.id, { type: 'reads' });
    }
    this.activity('receipt', r);
  }

  // read moves a participant's read position forward; it reports whether
  // it moved.
  read(t, user, seq) {
    if ((t.reads.get(user) || 0) >= seq) {
      return false;
    }
    t.reads.set(user, seq);
    return true;
  }

  // onResume notes, per loaded conversation, whether the server replayed
  // what was missed or asks for a fresh history (too far behind), and
  // which conversations are no longer visible.
  onResume(d) {
    const entries = new Map(((d && d.conversations) || []).map((e) => [e.conversation, e]));
    for (const t of this.threads.values()) {
      const e = entries.get(t.id);
      if (!e) {
        if (t.loaded && !t.gone) {
          t.gone = true;
          this.emit(t.id, { type: 'gone' });
        }
      } else if (t.loaded && e.history) {
        t.stale = true;
      }
    }
    this.activity('resume', d);
  }

  onWelcome() {
    for (const t of this.threads.values()) {
      if (t.stale) {
        this.refreshLatest(t);
      }
    }
    this.outbox.flushAll();
    this.activity('welcome', null);
  }

  // refreshLatest reloads the latest page of a thread that fell too far
  // behind: it is merged if it follows on, else it replaces the thread.
  async refreshLatest(t) {
    t.stale = false;
    try {
      const page = await this.live.request('chat.history', { conversation: t.id, limit: PAGE });
      const msgs = page.messages;
      if (msgs.length === 0 || msgs[0].seq <= t.last + 1) {
        this.acceptAll(t, msgs, true);
        return;
      }
      t.msgs = [];
      t.ahead.clear();
      t.last = msgs[0].seq - 1;
      t.more = true;
      this.acceptAll(t, msgs, false);
      this.emit(t.id, { type: 'reset' });
    } catch {
      t.stale = true; // the next welcome tries again
    }
  }

  // send queues a message; it goes out now, or when the connection is back.
  send(conv, body, attachments = []) {
    this.outbox.add(conv, body, attachments);
  }

  // acked applies an acknowledged send at once (its own chat.message, if
  // it comes later, is then a duplicate).
  acked(conv, item, answer) {
    const t = this.threads.get(conv);
    if (!answer || !t || !t.loaded) {
      return;
    }
    this.accept(t, {
      conversation: conv, seq: answer.seq, sender: this.me.id, client_id: item.client_id, at: answer.at,
      body: item.body, attachments: (item.attachments || []).map((a) => a.id),
    });
  }

  // pending returns the conversation's unacknowledged messages.
  pending(conv) {
    return this.outbox.items(conv);
  }

  // discard drops a message the server refused.
  discard(conv, clientId) {
    this.outbox.settle(conv, clientId);
  }

  // markRead tells the server the user has seen the conversation up to the
  // last message held. It is a no-op when nothing new was seen.
  markRead(conv) {
    const t = this.threads.get(conv);
    const mine = t ? t.reads.get(this.me.id) || 0 : 0;
    if (!t || !t.loaded || t.last <= mine || this.live.status !== 'online') {
      return;
    }
    const seq = t.last;
    t.reads.set(this.me.id, seq);
    this.live.request('chat.read', { conversation: conv, seq }).catch(() => {
      if (t.reads.get(this.me.id) === seq) {
        t.reads.set(this.me.id, mine); // try again on the next occasion
      }
    });
  }

  // typing tells the others the user is typing (at most every 2.5 s).
  typing(conv) {
    const now = Date.now();
    if (this.live.status !== 'online' || now - (this.typedAt.get(conv) || 0) < TYPING_EVERY) {
      return;
    }
    this.typedAt.set(conv, now);
    this.live.send('chat.typing', { conversation: conv });
  }
}
