// Open video sessions a person is invited to: the card on the patient's
// home (refreshed when a clinician starts one, event media.invite) and the
// list on /video.

import { api } from '../api.js';
import { h } from '../dom.js';
import { hub } from '../hub.js';

// sessionList lists sessions with a Join link each.
export function sessionList(sessions, empty) {
  if (sessions.length === 0) {
    return h('p', { class: 'empty' }, empty);
  }
  return h('ul', { class: 'list', id: 'video-sessions' }, sessions.map((s) => {
    const host = s.members.find((m) => m.role === 'host');
    const others = s.members.filter((m) => m.participant !== s.participant).map((m) => m.name);
    return h('li', {},
      h('div', { class: 'list__main' },
        h('span', { class: 'list__title' }, s.role === 'host' ? `With ${others.join(', ')}` : `With ${host ? host.name : 'your clinician'}`),
        h('span', { class: 'list__meta' }, 'Video session · nothing is recorded')),
      h('a', { href: `/video/${encodeURIComponent(s.id)}`, class: 'button button--small' }, 'Join'));
  }));
}

// videoInvites is the patient home's card: hidden until a session is open
// for them.
export function videoInvites() {
  const card = h('section', { class: 'card video-invites', 'aria-labelledby': 'video-invites-h', id: 'video-invites' });
  card.hidden = true;
  const refresh = async () => {
    try {
      const { sessions } = await api('GET', '/api/video/sessions');
      card.hidden = sessions.length === 0;
      card.replaceChildren(h('h2', { id: 'video-invites-h' }, 'Video session waiting for you'),
        sessionList(sessions, ''));
    } catch {
      // the rest of the home still works; the next invite refreshes
    }
  };
  refresh();
  const off = hub().on('media.invite', () => {
    if (!card.isConnected) {
      off();
      return;
    }
    refresh();
  });
  return card;
}
