// A video session's page, /video/<session> (and /video/visit/<appointment>,
// which finds or opens the visit's session): a device check first, then
// the waiting room or the call. Nothing is recorded.

import { api } from '../api.js';
import { button, h } from '../dom.js';
import { navigate } from '../router.js';
import { Call } from './video-call.js';
import { deviceCheck } from './video-devices.js';
import { videoStage } from './video-stage.js';

export async function videoView() {
  const rest = decodeURIComponent(location.pathname.slice('/video/'.length));
  if (rest.startsWith('visit/')) {
    const info = await api('POST', `/api/video/visits/${encodeURIComponent(rest.slice('visit/'.length))}`);
    navigate(`/video/${encodeURIComponent(info.id)}`, { replace: true });
    return null;
  }
  const [info, ice] = await Promise.all([
    api('GET', `/api/video/sessions/${encodeURIComponent(rest)}`),
    api('GET', '/api/video/ice'),
  ]);
  return sessionPage(info, ice.ice_servers);
}

function sessionPage(info, iceServers) {
  const title = info.kind === 'visit' ? 'Video visit' : 'Video session';
  const others = info.members.filter((m) => m.participant !== info.participant).map((m) => m.name).filter(Boolean);
  const host = info.members.find((m) => m.role === 'host');
  const hostName = (host && host.name) || (info.kind === 'visit' ? 'Your clinician' : 'The host');
  const status = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite', id: 'video-status' });
  const say = (text) => { status.textContent = text; };
  const errors = h('p', { class: 'form-error', role: 'alert', id: 'video-error' });
  const area = h('div', { class: 'video-area' });
  const page = h('section', { class: 'wide video-page' },
    h('h1', {}, title),
    others.length ? h('p', { class: 'lede' }, `With ${others.join(', ')}`) : null,
    h('p', { class: 'video-private' }, 'Nothing is recorded. Only the people in this session see and hear you.'),
    status, errors, area);

  if (info.ended) {
    area.append(h('p', {}, 'This session has ended.'), h('p', {}, h('a', { href: '/home' }, 'Go to your home page')));
    return page;
  }

  const check = deviceCheck();
  const join = button('Join now');
  join.id = 'video-join';
  area.append(check.node, h('div', { class: 'actions' }, join));

  let call = null;
  let stage = null;
  join.addEventListener('click', async () => {
    join.disabled = true;
    errors.textContent = '';
    const stream = check.stream();
    const speakerId = check.speaker();
    check.stop(true);
    call = new Call({ session: info.id, iceServers, stream, on: handlers() });
    stage = videoStage({ info, call, stream, speakerId, status: { say } });
    stage.node.videoCall = call; // for diagnostics (getStats)
    stage.leaveButton.addEventListener('click', () => call.leave());
    area.replaceChildren(stage.node);
    say('Joining…');
    try {
      await call.start();
    } catch (err) {
      errors.textContent = err.message || 'Joining failed. Please try again.';
      ended(stream, h('p', {}, h('a', { href: location.pathname }, 'Try again')));
    }
    watchUnmount(page, () => call.leave());
  });

  function handlers() {
    return {
      state(s) {
        const messages = {
          joining: 'Joining…',
          waiting: `You are in the waiting room. ${hostName} will let you in soon.`,
          'in-call': 'You are in the session.',
          reconnecting: 'Reconnecting… Your call continues when the connection is back.',
        };
        if (messages[s]) {
          say(messages[s]);
        }
        stage.node.dataset.state = s;
        if (s === 'declined') {
          const again = button('Ask again', { kind: 'quiet' });
          again.addEventListener('click', () => {
            again.remove();
            call.askAgain().catch((err) => { errors.textContent = err.message; });
          });
          say('The host could not let you in right now.');
          stage.node.prepend(again);
        } else if (s === 'removed' || s === 'ended' || s === 'left') {
          const text = { removed: 'The host removed you from this session.', ended: 'This session has ended.', left: 'You left the session.' }[s];
          say(text);
          ended(call.local, h('p', {}, h('a', { href: '/home' }, 'Go to your home page')));
        }
      },
      track: (pid, source, track) => stage.addTrack(pid, source, track),
      trackEnded: (pid, source) => stage.dropTrack(pid, source),
      event(type, data) {
        if (type === 'removed' && data.reason === 'rejoined') {
          say('You joined this session from another window.');
        }
        stage.event(type, data);
      },
      error(message) {
        errors.textContent = message;
      },
    };
  }

  function ended(stream, next) {
    if (stream) {
      for (const t of stream.getTracks()) {
        t.stop();
      }
    }
    area.replaceChildren(next);
  }

  watchUnmount(page, () => check.stop(false));
  return page;
}

// watchUnmount runs fn once the page is no longer shown (the user went
// elsewhere in the app) or the tab closes.
function watchUnmount(page, fn) {
  let done = false;
  const once = () => {
    if (!done) {
      done = true;
      clearInterval(timer);
      fn();
    }
  };
  const timer = setInterval(() => {
    if (!page.isConnected) {
      once();
    }
  }, 1000);
  window.addEventListener('pagehide', once, { once: true });
}
