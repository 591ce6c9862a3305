// The Messages page (/messages): the user's conversations, most recent
// first, with unread counts, kept current by the hub; for a patient also
// how soon the care team usually replies, that messages are not for
// emergencies, and the buttons that start a conversation with the whole
// care team or with one clinician.

import { errorBox, h, nextId, statusBox, timeEl } from '../dom.js';
import { hub } from '../hub.js';
import { navigate } from '../router.js';
import { backHome, card, signedIn } from './visits-common.js';
import { chatStore } from './chat-store.js';
import { coalesce, connectionLine, conversationHref, emergencyLine, expectationLine, kindText, onRemoved } from './chat-common.js';
import { careTeamOf, conversationTitle, learnNames } from './chat-names.js';

export async function messagesView() {
  const me = await signedIn();
  if (!me) {
    return null;
  }
  const live = hub();
  const store = chatStore(me);
  const status = statusBox();
  const problem = errorBox();
  const expectation = h('div', {});
  const listArea = h('div', {}, h('p', { class: 'loading' }, 'Loading your conversations…'));
  const patient = me.role === 'patient';
  const page = h('div', { class: 'wide' },
    backHome(),
    h('h1', {}, 'Messages'),
    patient ? emergencyLine() : h('p', { class: 'lede' }, 'Conversations waiting on the care team are in your ', h('a', { href: '/inbox' }, 'inbox'), '.'),
    expectation,
    connectionLine(live),
    status,
    problem,
    patient ? await startCard(me, live, problem) : null,
    card('conversations-h', 'Your conversations', listArea));

  const refresh = async () => {
    if (live.status !== 'online') {
      return;
    }
    try {
      const res = await store.conversations();
      const convs = res.conversations;
      await learnNames(me, [...new Set(convs.map((c) => c.patient))],
        convs.flatMap((c) => (c.participants || []).filter((p) => p.role === 'staff').map((p) => p.user)), convs);
      if (patient) {
        expectation.replaceChildren(expectationLine(res.reply_expectation_s) || '');
      }
      listArea.replaceChildren(conversationList(me, convs));
      problem.textContent = '';
    } catch (err) {
      problem.textContent = err.message;
    }
  };
  const soon = coalesce(refresh);
  onRemoved(page, store.onActivity(soon));
  refresh();
  return page;
}

// startCard offers the patient a conversation with the whole care team or
// with one clinician of it.
async function startCard(me, live, problem) {
  let team = [];
  try {
    team = await careTeamOf(me.id);
  } catch (err) {
    problem.textContent = err.message;
  }
  if (team.length === 0) {
    return card('start-h', 'Start a conversation', h('p', { class: 'empty' }, 'No clinicians are on your care team yet, so there is no one to message.'));
  }
  const box = errorBox();
  const open = async (btn, data) => {
    box.textContent = '';
    btn.disabled = true;
    try {
      const { conversation } = await live.request('chat.open', data);
      navigate(conversationHref(conversation));
    } catch (err) {
      box.textContent = err.message;
    } finally {
      btn.disabled = false;
    }
  };
  const toTeam = h('button', { class: 'button', type: 'button', id: 'chat-start-team' }, 'Message your care team');
  toTeam.addEventListener('click', () => open(toTeam, { kind: 'team' }));
  const selectId = nextId('clinician');
  const pick = h('select', { id: selectId, name: 'clinician' }, team.map((m) => h('option', { value: String(m.id) }, m.display_name)));
  const toOne = h('button', { class: 'button button--quiet', type: 'submit', id: 'chat-start-direct' }, 'Message this clinician');
  const form = h('form', { method: 'post', action: '/messages', class: 'chat-start-one' },
    box,
    h('div', { class: 'field' }, h('label', { for: selectId }, 'Or write to one clinician'), pick),
    toOne);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    open(toOne, { kind: 'direct', clinician: Number(pick.value) });
  });
  return card('start-h', 'Start a conversation',
    h('p', {}, 'Everyone on your care team reads a care-team conversation. A conversation with one clinician is read by them alone.'),
    h('div', { class: 'actions' }, toTeam),
    form);
}

// conversationList lists conversations with their last activity and
// unread count.
function conversationList(me, convs) {
  if (convs.length === 0) {
    return h('p', { class: 'empty', id: 'chat-none' }, 'No conversations yet.');
  }
  return h('ul', { class: 'list', id: 'chat-conversations' }, convs.map((c) => {
    const title = conversationTitle(me, c);
    return h('li', { 'data-conversation': String(c.conversation) },
      h('div', { class: 'list__main' },
        h('a', { class: 'list__title', href: conversationHref(c.conversation) }, title,
          c.unread > 0 ? [' ', h('span', { class: 'tag chat-unread' }, `${c.unread} unread`)] : null),
        h('span', { class: 'list__meta' },
          me.role === 'patient' ? kindForPatient(c.kind) : kindText(c.kind), ' · ',
          c.last_message_at ? ['Last message ', timeEl(c.last_message_at)] : 'No messages yet')));
  }));
}

function kindForPatient(kind) {
  return { team: 'Everyone on your care team', direct: 'One clinician', crisis: 'Crisis support' }[kind] || 'Conversation';
}
