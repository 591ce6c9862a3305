// Shared by the secure-messaging pages (Messages, a conversation, the
// Inbox): the live-connection line, the "not for emergencies" line, reply
// times in words, client ids for sends, and cleanup when a page goes away.

import { button, h } from '../dom.js';
import { navigate } from '../router.js';
import { pressCrisisButton } from './crisis-request.js';

// STATUS_TEXT is what the connection line says in each hub status; online
// says nothing.
const STATUS_TEXT = {
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… Messages you send now go out when the connection is back.',
  stopped: 'Live updates are off. Reload the page to turn them on.',
};

// connectionLine shows the hub's status while it is not online, and tells
// screen readers when it changes.
export function connectionLine(live) {
  const line = h('p', { class: 'notice chat-connection', role: 'status', 'aria-live': 'polite', id: 'chat-connection' });
  const show = (s) => {
    line.textContent = STATUS_TEXT[s] || '';
    line.dataset.status = s;
  };
  show(live.status);
  onRemoved(line, live.onStatus(show));
  return line;
}

// emergencyLine is the persistent reminder that messages are not a crisis
// service, with the crisis button: it alerts the on-call counselor and
// shows the crisis page at once, without waiting for the server (as the
// home page's button does).
export function emergencyLine() {
  const press = button('I need help now', { kind: 'crisis small' });
  press.id = 'chat-crisis-button';
  press.addEventListener('click', () => {
    pressCrisisButton();
    navigate('/crisis');
  });
  return h('div', { class: 'chat-emergency', id: 'chat-emergency' },
    h('p', {}, 'Messages are not monitored around the clock. Not for emergencies. ',
      h('a', { href: '/crisis', id: 'chat-crisis-link' }, 'See crisis lines')),
    press);
}

// replyWithin says a reply expectation given in seconds in words
// ("1 day", "4 hours", "30 minutes").
export function replyWithin(seconds) {
  const units = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    if (seconds >= size) {
      const n = Math.round(seconds / size);
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return 'a minute';
}

// expectationLine tells a patient how soon the care team usually replies.
export function expectationLine(seconds) {
  return seconds > 0
    ? h('p', { class: 'lede', id: 'chat-expectation' }, `Your care team usually replies within ${replyWithin(seconds)}.`)
    : null;
}

// newClientId is a fresh id for one message's send (chat.send client_id:
// letters, digits and "-"), reused by every retry of that message.
export function newClientId() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

// onRemoved runs each cleanup function once node, after being shown, has
// left the page (the router replaced the view). Views use it to drop their
// hub subscriptions.
export function onRemoved(node, ...cleanups) {
  const main = document.getElementById('main');
  if (!main) {
    return;
  }
  let shown = node.isConnected;
  const watch = new MutationObserver(() => {
    if (node.isConnected) {
      shown = true;
      return;
    }
    if (shown) {
      watch.disconnect();
      cleanups.forEach((fn) => fn());
    }
  });
  watch.observe(main, { childList: true, subtree: true });
}

// coalesce returns a function that runs fn once, shortly after the last of
// a burst of calls (list refreshes after several events).
export function coalesce(fn, ms = 150) {
  let timer = 0;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

// kindText names a conversation's kind for staff.
export function kindText(kind) {
  return { team: 'Care team conversation', direct: 'Direct conversation', crisis: 'Crisis conversation' }[kind] || 'Conversation';
}

// conversationHref is the address of a conversation's page.
export function conversationHref(id) {
  return `/chat?conversation=${encodeURIComponent(id)}`;
}

// sentence makes a server's short reason ("attachments are limited to
// 10 MB") read as a sentence.
export function sentence(text) {
  const s = String(text || '').trim();
  if (!s) {
    return '';
  }
  const capital = s[0].toUpperCase() + s.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}
