// The JSON API client. Every call is same-origin with the session cookie;
// errors arrive as ApiError carrying the server's user-safe message.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let lastCall = Date.now();
let onSessionEnded = () => {};

// whenSessionEnds sets what happens when a signed-in call answers 401: the
// handler receives the server's reason ("Your session ended after …").
export function whenSessionEnds(fn) {
  onSessionEnded = fn;
}

// api calls the server. Options: auth (default true) — a 401 means the
// session ended, so the app returns to sign-in; pass false for calls that
// may legitimately answer 401 (signing in).
export async function api(method, path, body, { auth = true } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'Haven could not be reached. Check your connection and try again.');
  }
  lastCall = Date.now();
  let data = null;
  if (res.status !== 204) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (res.ok) {
    return data;
  }
  const e = (data && data.error) || { code: 'internal', message: 'Something went wrong. Please try again.' };
  const err = new ApiError(res.status, e.code, e.message);
  if (res.status === 401 && auth) {
    onSessionEnded(err.message);
  }
  throw err;
}

let idleTimer = 0;

// watchIdle checks the session once the idle timeout has passed without a
// call, so an unattended screen returns to sign-in by itself. It never
// calls the server while the user is active, which would keep the session
// alive for ever.
export function watchIdle(idleSeconds) {
  stopIdleWatch();
  const limit = (idleSeconds + 5) * 1000;
  idleTimer = setInterval(async () => {
    if (Date.now() - lastCall < limit) {
      return;
    }
    try {
      await api('GET', '/api/session');
    } catch {
      // a 401 already went to onSessionEnded; network errors retry later
    }
  }, 15000);
}

// stopIdleWatch stops watching (after signing out).
export function stopIdleWatch() {
  clearInterval(idleTimer);
  idleTimer = 0;
}
