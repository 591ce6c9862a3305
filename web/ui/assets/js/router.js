// The page router: one HTML shell, one view per path. A view is an async
// function returning the page's content (a node), or null when it sent the
// user elsewhere.

import { h } from './dom.js';

const routes = new Map();
let renderCount = 0;

// route registers the view for an exact path.
export function route(path, view) {
  routes.set(path, view);
}

const prefixes = [];

// routePrefix registers the view for every path under prefix (which ends
// in "/"), for pages named by an id in the path ("/video/<session>"). Exact
// routes win.
export function routePrefix(prefix, view) {
  prefixes.push([prefix, view]);
}

function prefixed(path) {
  const hit = prefixes.find(([prefix]) => path.startsWith(prefix) && path.length > prefix.length);
  return hit ? hit[1] : null;
}

// navigate shows path, adding a history entry unless replace is set.
export function navigate(path, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', path);
  } else {
    history.pushState(null, '', path);
  }
  return render();
}

const NOTICE_KEY = 'haven.notice';

// setNotice leaves a message for the next page (for example why the
// session ended); takeNotice reads and clears it.
export function setNotice(text) {
  sessionStorage.setItem(NOTICE_KEY, text);
}

export function takeNotice() {
  const text = sessionStorage.getItem(NOTICE_KEY) || '';
  sessionStorage.removeItem(NOTICE_KEY);
  return text;
}

// render shows the view for the current path. After the first page, focus
// moves to the new page's heading so keyboard and screen reader users
// start at the top of what changed.
export async function render() {
  const count = ++renderCount;
  const main = document.getElementById('main');
  const view = routes.get(location.pathname) || prefixed(location.pathname) || notFound;
  let node;
  try {
    node = await view();
  } catch (err) {
    node = failed(err);
  }
  if (count !== renderCount || node === null) {
    return; // a newer navigation took over
  }
  main.className = node.classList.contains('wide') ? 'page page--wide' : 'page';
  main.replaceChildren(node);
  const heading = main.querySelector('h1');
  document.title = heading ? `${heading.textContent} · Haven` : 'Haven';
  if (count > 1 && heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function notFound() {
  return Promise.resolve(h('section', {},
    h('h1', {}, 'Page not found'),
    h('p', {}, 'There is nothing at this address.'),
    h('p', {}, h('a', { href: '/' }, 'Go to your home page'))));
}

function failed(err) {
  return h('section', {},
    h('h1', {}, 'Something went wrong'),
    h('p', { role: 'alert' }, err && err.message ? err.message : 'Please try again.'),
    h('p', {}, h('a', { href: location.pathname }, 'Try again')));
}
