// Haven's service worker. It keeps the app shell (the one HTML page and the
// assets of the current release) so the app opens on a bad network, and it
// never stores API responses: those may carry health information.
//
// Extending it: add same-origin URLs to EXTRA_URLS to keep them offline
// (for example a crisis resources page), and handle new message types in
// the "message" listener. Keep this file free of user data.
//
// It also shows web push notifications (push, notificationclick and
// pushsubscriptionchange, at the end).

const BUNDLE = '__BUNDLE__';
const CACHE = 'haven-shell-' + BUNDLE;
const SHELL_URL = '/';
// The current release's assets; the server fills this list in.
const ASSETS = /*__ASSETS__*/[];
// The crisis page opens from the cache first, network or not, so 988 and
// the emergency number (__EMERGENCY_NUMBER__ here) show at once; its modules
// are among ASSETS.
const CRISIS_URL = '/crisis';
const EXTRA_URLS = ['/manifest.webmanifest', CRISIS_URL];

// Web push: the payload-to-notification mapping shared with the pages
// (it defines self.havenPush).
importScripts('/assets/_/js/push-common.js');
const ICON = '/assets/_/icons/icon-192.png';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll([SHELL_URL, ...ASSETS, ...EXTRA_URLS]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('haven-shell-') && key !== CACHE) {
        await caches.delete(key);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname === '/ws') {
    return; // always the network; never cached
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(req));
    return;
  }
  if (req.mode === 'navigate' && url.pathname === CRISIS_URL) {
    event.respondWith(cacheFirst(req));
    return;
  }
  if (req.mode === 'navigate') {
    event.respondWith(networkThenShell(req));
  }
});

// cacheFirst answers from the release cache, else the network.
async function cacheFirst(req) {
  const hit = await caches.match(req);
  return hit || fetch(req);
}

// networkThenShell loads a page from the network, and offline falls back to
// the cached shell, which renders the page named by the URL.
async function networkThenShell(req) {
  try {
    return await fetch(req);
  } catch (err) {
    const shell = await caches.match(SHELL_URL);
    if (shell) {
      return shell;
    }
    throw err;
  }
}

// A push shows the payload's fixed, content-free texts (or Haven's
// fallback), tagged by its ref so a newer notice replaces an older one.
self.addEventListener('push', (event) => {
  const { title, options } = self.havenPush.notificationFor(self.havenPush.parse(event.data), self.location.origin);
  options.icon = ICON;
  event.waitUntil(self.registration.showNotification(title, options));
});

// A click focuses an open Haven window and asks it to show the
// notification's page (same-origin paths only), or opens one there.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const url = self.havenPush.samePath(data.url, self.location.origin);
  event.waitUntil(openHaven(url));
});

async function openHaven(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const win = windows.find((c) => c.focused) || windows[0];
  if (!win) {
    await self.clients.openWindow(url);
    return;
  }
  const focused = await win.focus().catch(() => win);
  (focused || win).postMessage({ type: 'navigate', url });
}

// When the push service replaces the subscription, subscribe again with
// the same application server key and tell the server. Without a session
// the server refuses; the app then re-syncs on its next start.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(resubscribe(event.oldSubscription, event.newSubscription));
});

async function resubscribe(old, fresh) {
  let sub = fresh;
  if (!sub) {
    let key = old && old.options ? old.options.applicationServerKey : null;
    if (!key) {
      const res = await fetch('/api/push/key', { credentials: 'same-origin' });
      if (!res.ok) {
        return;
      }
      key = self.havenPush.keyBytes((await res.json()).key);
    }
    sub = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }
  await fetch('/api/push/subscriptions', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(sub.toJSON()),
  });
}
