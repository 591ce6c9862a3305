// Session state shared by the views: who is signed in and how far sign-in
// has got ("mfa_required", "enrollment_required" or "full").

import { api, stopIdleWatch, watchIdle } from './api.js';
import { navigate, setNotice } from './router.js';

const channel = 'BroadcastChannel' in self ? new BroadcastChannel('haven-session') : null;

// sessionState asks the server about the current session:
// {signed_in, mfa, idle_seconds}. A session that has ended counts as not
// signed in, and why it ended is kept for the sign-in page to show.
export async function sessionState() {
  try {
    return await api('GET', '/api/session', undefined, { auth: false });
  } catch (err) {
    if (err.status === 401) {
      stopIdleWatch();
      setNotice(err.message);
      return { signed_in: false };
    }
    throw err;
  }
}

// pathFor returns where a session in state mfa belongs.
export function pathFor(mfa) {
  switch (mfa) {
    case 'mfa_required':
      return '/mfa';
    case 'enrollment_required':
      return '/mfa/setup';
    default:
      return '/home';
  }
}

// started begins watching for idleness after a full sign-in.
export function started(state) {
  if (state && state.idle_seconds) {
    watchIdle(state.idle_seconds);
  }
}

// ended returns to sign-in showing why the session ended, and tells other
// open tabs to do the same.
export function ended(reason, { broadcast = true } = {}) {
  stopIdleWatch();
  if (reason) {
    setNotice(reason);
  }
  if (broadcast && channel) {
    channel.postMessage({ type: 'ended', reason });
  }
  if (location.pathname !== '/signin' || reason) {
    navigate('/signin', { replace: true });
  }
}

if (channel) {
  channel.addEventListener('message', (ev) => {
    if (ev.data && ev.data.type === 'ended') {
      ended(ev.data.reason, { broadcast: false });
    }
  });
}

// signOut ends this session (everywhere: all of the user's sessions).
export async function signOut(everywhere) {
  if (everywhere) {
    await api('POST', '/api/session/everywhere');
    ended('You signed out everywhere.');
  } else {
    await api('DELETE', '/api/session');
    ended('You signed out.');
  }
}
