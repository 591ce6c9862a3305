// Haven's service worker. It keeps the app shell (the one HTML page and the
// assets of the current release) so the app opens on a bad network, and it
// never stores API responses: those may carry health information.
//
// Extending it: add same-origin URLs to EXTRA_URLS to keep them offline
// (for example a crisis resources page), and handle new message types in
// the "message" listener. Keep this file free of user data.

const BUNDLE = '__BUNDLE__';
const CACHE = 'haven-shell-' + BUNDLE;
const SHELL_URL = '/';
// The current release's assets; the server fills this list in.
const ASSETS = /*__ASSETS__*/[];
const EXTRA_URLS = ['/manifest.webmanifest'];

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
