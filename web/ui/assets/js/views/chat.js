// A conversation's page (/chat?conversation=<id>): its history (older
// pages on request), live messages, typing notices, the composer, and for
// each of the user's own messages whether it is sending, delivered or
// read. The conversation is marked read while its page is visible. The
// page works for every participant: the patient, their clinicians, and a
// crisis counselor in a crisis conversation.

import { button, errorBox, h } from '../dom.js';
import { hub } from '../hub.js';
import { signedIn } from './visits-common.js';
import { chatStore } from './chat-store.js';
import { connectionLine, emergencyLine, expectationLine, kindText, onRemoved } from './chat-common.js';
import { conversationTitle, learnNames, nameOf } from './chat-names.js';
import { threadList } from './chat-thread.js';
import { composer } from './chat-composer.js';
import { escalatePanel } from './chat-escalate.js';

const TYPING_SHOWN = 6000; // how long a typing notice stays up
const SEEN_AFTER = 250; // a burst of messages is marked read once

export async function chatView() {
  const me = await signedIn();
  if (!me) {
    return null;
  }
  const conv = Number(new URLSearchParams(location.search).get('conversation'));
  if (!Number.isSafeInteger(conv) || conv <= 0) {
    return notAvailable(me);
  }
  const live = hub();
  const store = chatStore(me);
  const heading = h('h1', {}, 'Conversation');
  const kindLine = h('p', { class: 'lede', id: 'chat-kind', hidden: true });
  const emergency = me.role === 'patient' ? emergencyLine() : null;
  const expectation = h('div', {});
  const escalation = h('div', {}); // a clinician's manual escalation, once the conversation is known
  const problem = errorBox();
  const announce = h('p', { class: 'visually-hidden', 'aria-live': 'polite', id: 'chat-announce' });
  const typingLine = h('p', { class: 'chat-typing', id: 'chat-typing' });
  const earlier = button('Load earlier messages', { kind: 'quiet small' });
  earlier.id = 'chat-earlier';
  earlier.hidden = true;
  const meta = () => store.summaries.get(conv) || null;
  const write = composer({ store, conv, me });
  const thread = threadList({
    store, conv, me, meta,
    onEdit: (p) => {
      store.discard(conv, p.client_id);
      write.setText(p.body);
    },
  });
  const page = h('div', { class: 'chat-page' },
    backLink(me),
    heading,
    kindLine,
    escalation,
    emergency,
    expectation,
    connectionLine(live),
    problem,
    earlier,
    thread.node,
    typingLine,
    announce,
    write.node);

  const show = () => {
    thread.render();
    earlier.hidden = !store.thread(conv).more;
  };
  // seen marks the conversation read while its page is visible, once per
  // burst of messages.
  let seenTimer = 0;
  const seen = () => {
    clearTimeout(seenTimer);
    seenTimer = setTimeout(() => {
      if (page.isConnected && document.visibilityState === 'visible') {
        store.markRead(conv);
      }
    }, SEEN_AFTER);
  };
  const typing = typingNotices(typingLine, meta);

  const start = async () => {
    problem.textContent = '';
    try {
      await store.conversations();
      const s = meta();
      if (!s) {
        gone();
        return;
      }
      await learnNames(me, [s.patient], (s.participants || []).filter((p) => p.role === 'staff').map((p) => p.user), [s]);
      heading.textContent = conversationTitle(me, s);
      document.title = `${heading.textContent} · Haven`;
      kindLine.textContent = me.role === 'patient' ? '' : kindText(s.kind);
      kindLine.hidden = kindLine.textContent === '';
      if (me.role === 'clinician' && s.kind !== 'crisis' && !escalation.hasChildNodes()) {
        escalation.append(escalatePanel(s.patient, conv, heading.textContent));
      }
      if (emergency) {
        emergency.hidden = s.kind === 'crisis'; // a counselor is with them here
      }
      expectation.replaceChildren(me.role === 'patient' && s.kind !== 'crisis' ? expectationLine(store.replyExpectation) || '' : '');
      const wasLoaded = store.thread(conv).loaded;
      await store.load(conv);
      show();
      if (!wasLoaded) {
        write.node.scrollIntoView({ block: 'end' });
      }
      seen();
    } catch (err) {
      if (err.code === 'not_found') {
        gone();
      } else {
        problem.textContent = err.message;
      }
    }
  };
  const gone = () => {
    heading.textContent = 'Conversation not available';
    problem.textContent = 'This conversation does not exist, or you no longer take part in it.';
    write.disable('You cannot send messages here.');
  };

  const offs = [
    store.subscribe(conv, (change) => {
      if (change.type === 'typing') {
        typing.show(change.user);
        return;
      }
      if (change.type === 'gone') {
        gone();
        return;
      }
      const nearBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
      show();
      if (change.type === 'append') {
        const others = change.messages.filter((m) => m.sender !== me.id);
        others.forEach((m) => typing.clear(m.sender));
        if (others.length > 0) {
          const m = others[others.length - 1];
          announce.textContent = `New message from ${nameOf(m.sender, senderRole(meta(), m))}: ${m.body || 'an attachment'}`;
        }
        if (nearBottom) {
          write.node.scrollIntoView({ block: 'end' });
        }
        seen();
      }
    }),
    live.on('welcome', start),
  ];
  earlier.addEventListener('click', async () => {
    const first = thread.node.querySelector('li');
    const top = first ? first.getBoundingClientRect().top : 0;
    earlier.disabled = true;
    try {
      await store.loadEarlier(conv);
      show();
      if (first) {
        window.scrollBy(0, first.getBoundingClientRect().top - top);
      }
    } catch (err) {
      problem.textContent = err.message;
    } finally {
      earlier.disabled = false;
    }
  });
  document.addEventListener('visibilitychange', seen);
  onRemoved(page, ...offs, () => document.removeEventListener('visibilitychange', seen), typing.stop);
  show();
  if (live.status === 'online') {
    start();
  }
  return page;
}

// typingNotices shows "… is typing" for each person who typed in the last
// few seconds.
function typingNotices(line, meta) {
  const timers = new Map();
  const render = () => {
    const names = [...timers.keys()].map((u) => nameOf(u, senderRole(meta(), { sender: u })));
    line.textContent = names.length === 0 ? '' : `${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
  };
  return {
    show(user) {
      clearTimeout(timers.get(user));
      timers.set(user, setTimeout(() => this.clear(user), TYPING_SHOWN));
      render();
    },
    clear(user) {
      if (timers.has(user)) {
        clearTimeout(timers.get(user));
        timers.delete(user);
        render();
      }
    },
    stop() {
      timers.forEach((t) => clearTimeout(t));
      timers.clear();
    },
  };
}

// senderRole is how nameOf names a sender it does not know.
function senderRole(summary, m) {
  const p = summary ? (summary.participants || []).find((x) => x.user === m.sender) : null;
  return { role: p ? p.role : summary && summary.patient === m.sender ? 'patient' : 'staff', kind: summary ? summary.kind : '' };
}

// backLink goes back to where the user keeps their conversations.
function backLink(me) {
  const [href, text] = {
    patient: ['/messages', 'All your messages'],
    clinician: ['/inbox', 'Back to the inbox'],
    counselor: ['/console', 'Back to the crisis console'],
  }[me.role] || ['/home', 'Back to your home'];
  return h('p', {}, h('a', { href, id: 'chat-back' }, text));
}

function notAvailable(me) {
  return h('div', {},
    backLink(me),
    h('h1', {}, 'Conversation not available'),
    h('p', {}, 'This address does not name a conversation you take part in.'));
}
