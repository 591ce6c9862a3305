// The crisis page (/crisis). Everything that matters in a crisis — 988 by
// call, text and chat, the emergency number, the plain statements, and the
// safety plan kept on this device — is on the page before any request to
// the server, and the service worker opens this page from its cache even
// with no network. Then, for a signed-in patient, it shows the live state of
// their crisis request and refreshes their safety plan.

import { api } from '../api.js';
import { h } from '../dom.js';
import { aboutCard, linesCard } from './crisis-resources.js';
import { planCard } from './crisis-plan.js';
import { requestCard, takePress } from './crisis-request.js';
import { locationCard } from './crisis-location.js';
import { forgetForOthers } from './crisis-store.js';
import { videoInvites } from './video-invites.js';

export async function crisisView() {
  const pending = takePress();
  const location = locationCard();
  const request = requestCard({ pending, onOpen: (open) => location.open(open) });
  const plan = planCard();
  plan.showCached();
  const video = h('div', {}); // a signed-in patient's video invitations (a counselor's call)
  const page = h('div', { class: 'crisis-page' },
    h('h1', {}, 'Crisis help'),
    h('p', { class: 'lede' }, 'You do not have to go through this alone. Trained crisis counselors are ready to listen, any time.'),
    linesCard(),
    request.node,
    video,
    location.node,
    plan.node,
    aboutCard());
  connect(request, plan, video);
  return page;
}

// connect finds out who is signed in and wires the page for them.
async function connect(request, plan, video) {
  let me;
  try {
    me = await api('GET', '/api/me', undefined, { auth: false });
  } catch (err) {
    if (err.status === 401) {
      request.signedOut(); // a copy of the plan stays: the session may only have timed out
    } else {
      request.offline(err); // keep the copy of the plan
    }
    return;
  }
  forgetForOthers(me.id);
  if (me.role !== 'patient') {
    plan.hide();
    request.staff(me.role);
    return;
  }
  request.start(me);
  plan.load(me);
  video.replaceChildren(videoInvites());
}
