// The crisis counselor's console (/console): the on-call switch, a warning
// when no counselor is on call, the queue with live updates from the hub
// ("crisis.offer", "crisis.taken", "crisis.location"), a beep and a desktop
// notification for each new request, and the context of the request this
// counselor holds, where it is resolved. While live updates are down the
// queue refreshes every 15 seconds. A held request's context offers a
// one-click video call with the patient.

import { api } from '../api.js';
import { h, statusBox } from '../dom.js';
import { hub } from '../hub.js';
import { navigate } from '../router.js';
import { pathFor, sessionState, started } from '../session.js';
import { alertsCard, beep, notify } from './console-alerts.js';
import { contextPanel } from './console-context.js';
import { coverageWarning, onCallCard } from './console-oncall.js';
import { queueCard } from './console-queue.js';

const POLL_EVERY = 15000;

const LIVE = {
  connecting: 'Connecting to live updates…',
  online: 'Live updates are on.',
  reconnecting: 'Live updates are paused; reconnecting. The queue refreshes every 15 seconds meanwhile.',
  stopped: 'Live updates are off. Reload the page to turn them on.',
};

export async function consoleView() {
  const state = await sessionState();
  if (!state.signed_in || state.mfa !== 'full') {
    navigate(state.signed_in ? pathFor(state.mfa) : '/signin', { replace: true });
    return null;
  }
  started(state);
  const me = await api('GET', '/api/me');
  if (me.role !== 'counselor') {
    return h('section', {},
      h('h1', {}, 'Crisis console'),
      h('p', {}, 'The crisis console is for crisis counselors.'),
      h('p', {}, h('a', { href: '/home' }, 'Go to your home page')));
  }
  return buildConsole();
}

function buildConsole() {
  const live = hub();
  const liveState = statusBox(LIVE[live.status] || '');
  liveState.id = 'live-state';
  const news = statusBox();
  news.id = 'console-news';
  const warning = coverageWarning();
  const context = contextPanel({
    onResolved: (id) => {
      news.textContent = `Request ${id} is resolved. The care team has been told.`;
      queue.load();
    },
  });
  const queue = queueCard({
    onClaimed: (res) => {
      news.textContent = res.conversation_error ? `You took request ${res.escalation_id}. ${res.conversation_error}` : `You took request ${res.escalation_id}.`;
      context.open(res.escalation_id);
    },
    onOpen: (id) => context.open(id),
  });
  const oncall = onCallCard((st) => warning.show(st.coverage));
  const page = h('div', { class: 'wide console' },
    h('h1', {}, 'Crisis console'),
    liveState, warning.node, news,
    h('div', { class: 'grid grid--2' },
      h('div', {}, queue.node, oncall.node, alertsCard()),
      context.node));

  const offs = [
    live.onStatus((s) => {
      liveState.textContent = LIVE[s] || '';
    }),
    live.on('welcome', () => queue.load()),
    live.on('crisis.offer', (d) => {
      if (!d || !d.escalation_id) {
        return;
      }
      // every offer is an alert: a new request, a re-route, or a request
      // still unanswered after its last tier (the server repeats it)
      beep();
      notify(d.escalation_id);
      queue.load();
    }),
    live.on('crisis.taken', (d) => {
      if (d && d.escalation_id) {
        queue.taken(d.escalation_id);
        queue.load();
      }
    }),
    live.on('crisis.location', (d) => {
      if (d && context.shows(d.escalation_id)) {
        context.open(d.escalation_id, { focus: false });
      }
    }),
  ];
  const poll = setInterval(() => {
    if (!page.isConnected) {
      clearInterval(poll);
      offs.forEach((off) => off());
    } else if (live.status !== 'online') {
      queue.load();
    }
  }, POLL_EVERY);
  queue.load();
  oncall.load();
  return page;
}
