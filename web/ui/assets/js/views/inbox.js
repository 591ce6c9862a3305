// The care team's Inbox (/inbox): conversations whose last message is the
// patient's with no staff reply since, oldest wait first (chat.inbox), who
// on the team has each (with "Assign to me" and "Release"), and unread
// counts. It follows the hub live: a new patient message, a reply, an
// assignment or a reconnection refreshes it.

import { errorBox, h, statusBox, timeEl } from '../dom.js';
import { hub } from '../hub.js';
import { backHome, card, signedIn } from './visits-common.js';
import { chatStore } from './chat-store.js';
import { coalesce, connectionLine, conversationHref, kindText, onRemoved } from './chat-common.js';
import { learnNames, nameOf } from './chat-names.js';

export async function inboxView() {
  const me = await signedIn('clinician', 'counselor');
  if (!me) {
    return null;
  }
  const live = hub();
  const store = chatStore(me);
  const status = statusBox();
  const problem = errorBox();
  const listArea = h('div', {}, h('p', { class: 'loading' }, 'Loading the inbox…'));
  const page = h('div', { class: 'wide' },
    backHome(),
    h('h1', {}, 'Inbox'),
    h('p', { class: 'lede' }, 'Messages from patients that no one on the care team has answered yet, the longest waiting first.'),
    connectionLine(live),
    status,
    problem,
    card('inbox-h', 'Waiting for a reply', listArea));

  const refresh = async () => {
    if (live.status !== 'online') {
      return;
    }
    try {
      const [{ items }, convs] = await Promise.all([live.request('chat.inbox'), store.conversations()]);
      const unread = new Map(convs.conversations.map((c) => [c.conversation, c.unread]));
      await learnNames(me, [...new Set(items.map((i) => i.patient))], items.map((i) => i.assignee).filter(Boolean));
      listArea.replaceChildren(inboxList(me, items, unread, assign));
      problem.textContent = '';
    } catch (err) {
      problem.textContent = err.message;
    }
  };
  // assign gives the conversation to user (0 releases it).
  const assign = async (item, user, btn) => {
    btn.disabled = true;
    try {
      await live.request('chat.assign', { conversation: item.conversation, user });
      status.textContent = user ? `You have the conversation with ${nameOf(item.patient, { role: 'patient' })}.` : 'You released the conversation.';
      await refresh();
    } catch (err) {
      problem.textContent = err.message;
      btn.disabled = false;
    }
  };
  onRemoved(page, store.onActivity(coalesce(refresh)));
  refresh();
  return page;
}

// inboxList lists the waiting conversations with who has each.
function inboxList(me, items, unread, assign) {
  if (items.length === 0) {
    return h('p', { class: 'empty', id: 'inbox-empty' }, 'Nothing is waiting for a reply.');
  }
  return h('ul', { class: 'list', id: 'inbox-list' }, items.map((it) => {
    const who = nameOf(it.patient, { role: 'patient' });
    const n = unread.get(it.conversation) || 0;
    const mine = it.assignee === me.id;
    const action = h('button', { class: 'button button--quiet button--small', type: 'button' }, mine ? 'Release' : 'Assign to me');
    action.setAttribute('aria-label', mine ? `Release the conversation with ${who}` : `Assign the conversation with ${who} to me`);
    action.addEventListener('click', () => assign(it, mine ? 0 : me.id, action));
    return h('li', { 'data-conversation': String(it.conversation) },
      h('div', { class: 'list__main' },
        h('span', { class: 'list__title' }, who, n > 0 ? [' ', h('span', { class: 'tag chat-unread' }, `${n} unread`)] : null),
        h('span', { class: 'list__meta' }, kindText(it.kind), ' · waiting since ', timeEl(it.awaiting_since)),
        h('span', { class: 'list__meta chat-assignee' }, assigneeText(me, it.assignee))),
      h('div', { class: 'actions' },
        h('a', { class: 'button button--small', href: conversationHref(it.conversation), 'aria-label': `Open the conversation with ${who}` }, 'Open'),
        action));
  }));
}

function assigneeText(me, assignee) {
  if (!assignee) {
    return 'No one on the team has it yet.';
  }
  return assignee === me.id ? 'You have it.' : `${nameOf(assignee, { role: 'staff' })} has it.`;
}
