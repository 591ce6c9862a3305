// The patient's crisis request: the crisis button, and the live state of
// the request on the crisis page — from the button's answer, then from hub
// events ("crisis.status"), and from GET /api/crisis/mine after every
// (re)connection and, while live updates are down, every 15 seconds.

import { api } from '../api.js';
import { button, errorBox, h } from '../dom.js';
import { hub } from '../hub.js';
import { emergencyNumber } from './crisis-resources.js';
import { rememberRequest, rememberedRequest } from './crisis-store.js';

const POLL_EVERY = 15000;

let pressed = null; // a press of the crisis button on another page, for the crisis page

// pressCrisisButton raises the signed-in patient's crisis request; the
// server offers it to the on-call counselors at once. It returns the
// promise of the request's state, which the crisis page also picks up.
export function pressCrisisButton() {
  pressed = api('POST', '/api/crisis', undefined, { auth: false });
  pressed.catch(() => {}); // the crisis page reports failures
  return pressed;
}

// takePress hands the crisis page the press made on another page, if any.
export function takePress() {
  const p = pressed;
  pressed = null;
  return p;
}

// conversationHref is the address of a crisis conversation in the chat UI.
export function conversationHref(ref) {
  return `/chat?conversation=${encodeURIComponent(ref)}`;
}

// statusText says where the request is, in plain words.
export function statusText(st) {
  switch (st.status) {
    case 'alerting':
      return 'Alerting a crisis counselor…';
    case 'alerted':
      return 'A crisis counselor has been alerted. Stay on this page: they will join you here.';
    case 'joined':
      return st.counselor_name ? `${st.counselor_name}, a crisis counselor, has joined.` : 'A crisis counselor has joined.';
    case 'call_988':
      return 'No one has answered yet. Please call or text 988 now.';
    case 'resolved':
      return 'Your counselor has closed this request. If you need help again, press the button or call or text 988.';
  }
  return '';
}

// The order statuses of one request move in; a late event never moves a
// request back (a counselor who joined stays joined).
const RANK = { alerting: 0, alerted: 1, call_988: 2, joined: 3, resolved: 4 };

// requestCard is the crisis page's request section. start(me) wires it for a
// signed-in patient; the other methods say why it cannot be used.
export function requestCard({ pending = null, onOpen = () => {} } = {}) {
  const status = h('p', { class: 'crisis-status', role: 'status', 'aria-live': 'polite', id: 'crisis-status' });
  const problem = errorBox();
  const conversation = h('p', { hidden: true });
  const press = button('Alert a crisis counselor', { kind: 'crisis' });
  press.id = 'crisis-alert';
  press.hidden = true;
  const intro = h('p', {}, 'Messages in Haven are not monitored around the clock. The crisis button alerts your clinic\u2019s on-call crisis counselor, who joins you here.');
  const node = h('section', { class: 'card crisis-request', 'aria-labelledby': 'request-h' },
    h('h2', { id: 'request-h' }, 'Your crisis counselor'), intro, status, conversation, problem, press);
  let me = null;
  let current = null;
  if (pending) {
    status.textContent = statusText({ status: 'alerting' });
  }

  const show = (st) => {
    if (current && st.escalation_id === current.escalation_id && RANK[st.status] < RANK[current.status]) {
      return;
    }
    current = { ...(current && current.escalation_id === st.escalation_id ? current : {}), ...st };
    status.textContent = statusText(current);
    status.dataset.status = current.status || '';
    problem.textContent = '';
    const done = !current.status || current.status === 'resolved';
    press.hidden = !done;
    press.textContent = 'Alert a crisis counselor';
    rememberRequest(me.id, done ? 0 : current.escalation_id);
    conversation.hidden = !current.conversation_ref || current.status !== 'joined';
    conversation.replaceChildren(current.conversation_ref
      ? h('a', { href: conversationHref(current.conversation_ref), id: 'crisis-conversation' }, 'Open your conversation with the counselor')
      : '');
    onOpen(!done);
  };

  const failed = (err) => {
    problem.textContent = `We could not alert a counselor: ${err.message} Please call or text 988 now.`;
    press.hidden = false;
    press.textContent = 'Try again';
  };

  const raise = async (p) => {
    press.disabled = true;
    status.textContent = statusText({ status: 'alerting' });
    try {
      show(await p);
    } catch (err) {
      status.textContent = '';
      failed(err);
    } finally {
      press.disabled = false;
    }
  };

  const refresh = async () => {
    const id = current ? current.escalation_id : rememberedRequest(me.id);
    try {
      const st = await api('GET', `/api/crisis/mine${id ? `?id=${id}` : ''}`, undefined, { auth: false });
      if (st.open) {
        show(st);
      } else if (current && current.status !== 'resolved') {
        show({ escalation_id: current.escalation_id, status: 'resolved' }); // closed while we were away
      } else {
        rememberRequest(me.id, 0);
        press.hidden = false;
      }
    } catch (err) {
      if (!current) {
        press.hidden = false;
      }
      problem.textContent = `Live updates are paused: ${err.message}`;
    }
  };

  press.addEventListener('click', () => raise(pressCrisisButton()));

  return {
    node,
    start(patient) {
      me = patient;
      const live = hub();
      const offs = [
        live.on('crisis.status', (data) => {
          if (node.isConnected && data && data.escalation_id) {
            show(data);
          }
        }),
        live.on('welcome', () => node.isConnected && refresh()),
      ];
      const poll = setInterval(() => {
        if (!node.isConnected) {
          clearInterval(poll);
          offs.forEach((off) => off());
        } else if (live.status !== 'online' && current && current.status !== 'resolved') {
          refresh();
        }
      }, POLL_EVERY);
      if (pending) {
        raise(pending);
      } else {
        refresh();
      }
    },
    signedOut() {
      intro.replaceChildren('Messages in Haven are not monitored around the clock. ',
        h('a', { href: '/signin' }, 'Sign in'), ' to alert your clinic\u2019s on-call crisis counselor, or use the lines above now.');
    },
    offline(err) {
      const why = err.status === 0 ? 'You seem to be offline, so Haven cannot alert a counselor right now.' : `Haven cannot alert a counselor right now: ${err.message}`;
      problem.textContent = `${why} Call or text 988, or call ${emergencyNumber()}.`;
    },
    staff(role) {
      if (role === 'counselor') {
        intro.replaceChildren('You are signed in as a crisis counselor. ', h('a', { href: '/console', id: 'console-link' }, 'Open the crisis console'), '.');
      } else {
        node.hidden = true;
      }
    },
  };
}
