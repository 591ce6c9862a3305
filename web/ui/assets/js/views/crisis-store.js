// What the crisis page keeps on this device: the patient's safety plan
// (so it shows offline) and the id of their open crisis request. Both are
// tagged with the user's id, dropped when the crisis page finds someone
// else signed in, and forgotten when the user signs out. A session that
// ended by itself keeps them: the crisis page still shows the plan.

const PLAN_KEY = 'haven.crisis.plan';
const REQUEST_KEY = 'haven.crisis.request';

function read(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the page works without the copy
  }
}

// cachedPlan returns {user, plan, kept} saved by keepPlan, or null.
export function cachedPlan() {
  const c = read(PLAN_KEY);
  return c && c.plan ? c : null;
}

// keepPlan saves the user's safety plan (as GET /api/crisis/safety-plan
// returns it) for offline use.
export function keepPlan(user, plan) {
  write(PLAN_KEY, { user, plan, kept: new Date().toISOString() });
}

// rememberedRequest returns the id of the user's open request, or 0.
export function rememberedRequest(user) {
  const r = read(REQUEST_KEY);
  return r && r.user === user && Number.isInteger(r.id) ? r.id : 0;
}

export function rememberRequest(user, id) {
  if (id) {
    write(REQUEST_KEY, { user, id });
  } else {
    forget(REQUEST_KEY);
  }
}

function forget(key) {
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing to forget
  }
}

// forgetCrisisData drops everything the crisis page kept.
export function forgetCrisisData() {
  forget(PLAN_KEY);
  forget(REQUEST_KEY);
}

// forgetForOthers drops what belongs to anyone but user.
export function forgetForOthers(user) {
  const p = read(PLAN_KEY);
  const r = read(REQUEST_KEY);
  if ((p && p.user !== user) || (r && r.user !== user)) {
    forgetCrisisData();
  }
}

// forgetOnSignOut forgets the kept data when the user signs out (storage
// is shared by the tabs, so one tab's sign-out clears it for all). A
// session that merely timed out keeps it: the patient may be offline.
export function forgetOnSignOut() {
  document.addEventListener('click', (ev) => {
    if (ev.target instanceof Element && ev.target.closest('#sign-out, #sign-out-everywhere')) {
      forgetCrisisData();
    }
  }, true);
}
