// The page's connection to Haven's real-time hub (GET /ws), speaking
// signaling/PROTOCOL.md version 1. A page has one shared connection; every
// feature (crisis, chat, …) subscribes to it:
//
//   import { hub } from './hub.js';
//   const live = hub();                 // connects now if it is not connected
//   const off = live.on('crisis.status', (data, frame) => { … });   // events by type; off() unsubscribes
//   live.on('welcome', (data) => { … }); // after every welcome (first connect, reconnect, resync):
//                                       // refetch over HTTP what may have changed meanwhile
//   live.onStatus((status) => { … });   // 'connecting' | 'online' | 'reconnecting' | 'stopped'
//   live.status                         // the current status; live.me is {user, role} once welcomed
//   live.onHello(() => ({ chat: { cursors } }));  // members merged into every hello (resume, §10)
//   const data = await live.request('chat.send', {…});  // a frame with an id: resolves with the
//                                       // "<type>.ok" data, rejects with a HubError {code, message}
//   live.send('presence.set', {…});     // a frame without an id; errors arrive as 'error' events
//
// Behaviour (PROTOCOL.md §6–§9): hello {protocol: 1} on open and again on
// "resync"; a ping every 25 s, and a connection silent for 10 s after it is
// closed and reopened; reconnection with full-jitter exponential backoff
// (0.5 s × 2^attempt, at most 30 s, reset by a welcome), at once (≤ 1 s) after
// 4008, within 5 s after 1001, no sooner than 30 s after 4029, and at once
// when the browser comes back online. 4001 (session ended) and 4003 stop it.
// A connection that fails before its welcome (the upgrade is refused with
// 401 when signed out) asks GET /api/session; without a full session the
// hub stops until hub() is called again (after signing in). Events are
// dispatched in arrival order; durable events may arrive twice after a
// reconnect for packages that deliver at least once (crisis dedupes by id).

import { api } from './api.js';

const PROTOCOL = 1;
const PING_EVERY = 25000;
const SILENCE_LIMIT = 10000;
const REQUEST_TIMEOUT = 10000;

// HubError is a refused or failed request: code is the protocol's error
// code (§5), message is safe to show.
export class HubError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

let shared = null;

// hub returns the page's shared connection, starting it if it is stopped.
export function hub() {
  if (!shared) {
    shared = new Hub('/ws');
  }
  shared.start();
  return shared;
}

class Hub {
  constructor(path) {
    this.path = path;
    this.status = 'stopped';
    this.me = null;
    this.ws = null;
    this.handlers = new Map();
    this.statusFns = new Set();
    this.helloFns = [];
    this.pending = new Map();
    this.attempt = 0;
    this.seq = 0;
    this.timer = 0;
    this.pinger = 0;
    this.welcomed = false; // on the current socket
    this.everOnline = false;
    window.addEventListener('online', () => {
      if (this.status === 'reconnecting' && !this.ws) {
        this.attempt = 0;
        this.connect();
      }
    });
  }

  // on subscribes fn to events of type ('welcome' and 'error' included);
  // it returns the unsubscribe function.
  on(type, fn) {
    if (!this.handlers.has(type)) {
      this.handlers.set(type, new Set());
    }
    this.handlers.get(type).add(fn);
    return () => this.handlers.get(type).delete(fn);
  }

  // onStatus calls fn with each new status; it returns the unsubscribe
  // function.
  onStatus(fn) {
    this.statusFns.add(fn);
    return () => this.statusFns.delete(fn);
  }

  // onHello adds a function whose result is merged into every hello's data.
  onHello(fn) {
    this.helloFns.push(fn);
  }

  start() {
    if (this.status === 'stopped') {
      this.attempt = 0;
      this.connect();
    }
  }

  // stop closes the connection and does not reconnect.
  stop() {
    clearTimeout(this.timer);
    this.setStatus('stopped');
    if (this.ws) {
      this.ws.close(1000, 'stopped');
    }
  }

  send(type, data) {
    this.raw({ type, data });
  }

  request(type, data, { timeout = REQUEST_TIMEOUT } = {}) {
    if (this.status !== 'online') {
      return Promise.reject(new HubError('unavailable', 'Live updates are paused. Try again when the connection is back.'));
    }
    const id = this.nextId('r');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, null, new HubError('unavailable', 'The server did not answer in time.')), timeout);
      this.pending.set(id, { resolve, reject, timer });
      this.raw({ type, id, data });
    });
  }

  connect() {
    clearTimeout(this.timer);
    this.setStatus(this.everOnline ? 'reconnecting' : 'connecting');
    const url = new URL(this.path, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.retry(0);
      return;
    }
    this.ws = ws;
    this.welcomed = false;
    ws.addEventListener('open', () => this.hello());
    ws.addEventListener('message', (ev) => this.receive(ev.data));
    ws.addEventListener('close', (ev) => this.closed(ws, ev.code));
  }

  hello() {
    const data = { protocol: PROTOCOL };
    for (const fn of this.helloFns) {
      Object.assign(data, fn() || {});
    }
    this.helloId = this.nextId('h');
    this.raw({ type: 'hello', id: this.helloId, data });
    this.keepAlive();
  }

  receive(text) {
    this.lastFrame = Date.now();
    let f;
    try {
      f = JSON.parse(text);
    } catch {
      return;
    }
    if (!f || typeof f.type !== 'string') {
      return;
    }
    if (f.type === 'welcome') {
      this.welcome(f.data || {});
    } else if (f.type === 'resync') {
      this.setStatus('reconnecting');
      this.hello();
    } else if (f.type === 'error' && f.id && f.id === this.helloId) {
      // the connection keeps holding events; say hello again later
      this.timer = setTimeout(() => this.hello(), this.backoff());
    } else if (f.id && this.pending.has(f.id)) {
      this.settle(f.id, f.type === 'error' ? null : f.data, f.type === 'error' ? hubError(f.error) : null);
    } else if (f.type !== 'pong') {
      this.emit(f.type, f.type === 'error' ? f.error : f.data, f);
    }
  }

  welcome(data) {
    this.welcomed = true;
    this.everOnline = true;
    this.attempt = 0;
    this.me = { user: data.user, role: data.role };
    this.setStatus('online');
    this.emit('welcome', data, null);
  }

  async closed(ws, code) {
    if (ws !== this.ws) {
      return;
    }
    this.ws = null;
    clearInterval(this.pinger);
    for (const id of [...this.pending.keys()]) {
      this.settle(id, null, new HubError('unavailable', 'The connection was lost. Try again.'));
    }
    if (this.status === 'stopped') {
      return;
    }
    if (code === 4001 || code === 4003) {
      this.stop();
      return;
    }
    if (!this.welcomed && !(await this.signedIn())) {
      this.stop();
      return;
    }
    let delay = this.backoff();
    if (code === 4008) {
      delay = Math.random() * 1000;
    } else if (code === 1001) {
      delay = Math.random() * 5000;
    } else if (code === 4029) {
      delay = 30000 + Math.random() * 5000;
    }
    this.retry(delay);
  }

  retry(delay) {
    this.setStatus(this.everOnline ? 'reconnecting' : 'connecting');
    this.timer = setTimeout(() => this.connect(), delay);
  }

  // backoff is the next full-jitter delay (§9).
  backoff() {
    const cap = Math.min(30000, 500 * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 10);
    return Math.random() * cap;
  }

  // signedIn asks whether a full session exists; a network failure counts
  // as yes (keep trying).
  async signedIn() {
    try {
      const st = await api('GET', '/api/session', undefined, { auth: false });
      return !!(st && st.signed_in && st.mfa === 'full');
    } catch (err) {
      return err.status !== 401;
    }
  }

  keepAlive() {
    clearInterval(this.pinger);
    this.pinger = setInterval(() => {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        return;
      }
      const sent = Date.now();
      this.raw({ type: 'ping', id: this.nextId('p') });
      setTimeout(() => {
        if (this.ws === ws && (this.lastFrame || 0) < sent) {
          ws.close(4000, 'silent');
        }
      }, SILENCE_LIMIT);
    }, PING_EVERY);
  }

  raw(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
    }
  }

  settle(id, data, err) {
    const p = this.pending.get(id);
    if (!p) {
      return;
    }
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (err) {
      p.reject(err);
    } else {
      p.resolve(data);
    }
  }

  emit(type, data, frame) {
    for (const fn of [...(this.handlers.get(type) || [])]) {
      try {
        fn(data, frame);
      } catch (err) {
        console.error('hub handler for', type, err);
      }
    }
  }

  setStatus(status) {
    if (status === this.status) {
      return;
    }
    this.status = status;
    for (const fn of [...this.statusFns]) {
      fn(status);
    }
  }

  nextId(prefix) {
    this.seq += 1;
    return `${prefix}${this.seq}`;
  }
}

function hubError(e) {
  return new HubError((e && e.code) || 'internal', (e && e.message) || 'Something went wrong. Please try again.');
}
