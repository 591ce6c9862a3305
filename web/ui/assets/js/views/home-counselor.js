// The crisis counselor's home. Shifts and escalations arrive with the
// crisis service; until then it shows who is signed in.

import { h } from '../dom.js';

export async function counselorHome(me) {
  return [
    h('section', { class: 'card', 'aria-labelledby': 'console-h' },
      h('h2', { id: 'console-h' }, 'Crisis console'),
      h('p', {}, 'Take crisis requests, switch on call, and resolve the requests you hold.'),
      h('p', {}, h('a', { class: 'button', href: '/console', id: 'console-link' }, 'Open the crisis console')),
      h('p', {}, h('a', { href: '/inbox', id: 'inbox-link' }, 'Inbox of care-team messages'))),
    h('section', { class: 'card', 'aria-labelledby': 'counselor-account' },
      h('h2', { id: 'counselor-account' }, 'Your account'),
      h('p', {}, `You are signed in as ${me.display_name}, crisis counselor, with two-step sign-in.`)),
  ];
}
