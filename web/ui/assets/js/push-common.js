// What the service worker and the pages share about web push: the mapping
// from a push payload to the notification shown, the same-origin check on
// a notification's link, and decoding the server's key.
//
// The service worker loads this file with importScripts and the pages
// import it as a module, so it stays a plain script: no import or export.
// It defines globalThis.havenPush and nothing else. Keep it pure and free
// of user data.
(function (scope) {
  'use strict';

  // The texts shown when a payload is missing or unusable. The server only
  // ever sends fixed, content-free texts; nothing else is shown.
  const TITLE = 'Haven';
  const BODY = 'You have a new notification in Haven';
  const MAX_TITLE = 60;
  const MAX_BODY = 200;
  const REF = /^[A-Za-z0-9_-]{1,64}$/;

  // text returns v trimmed when it is a usable string, else ''.
  function text(v, max) {
    if (typeof v !== 'string') {
      return '';
    }
    const t = v.trim();
    return t.length > 0 && t.length <= max ? t : '';
  }

  // samePath returns url as a path of origin ("/messages"), or "/" when it
  // is not a same-origin path: a notification never opens another site.
  function samePath(url, origin) {
    if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//') || url.includes('\\')) {
      return '/';
    }
    let u;
    try {
      u = new URL(url, origin);
    } catch {
      return '/';
    }
    return u.origin === origin ? u.pathname + u.search + u.hash : '/';
  }

  // parse reads a PushMessageData as JSON; null when there is none or it
  // is not JSON.
  function parse(data) {
    if (!data) {
      return null;
    }
    try {
      return data.json();
    } catch {
      return null;
    }
  }

  // notificationFor maps a payload {"title","body","kind","ref","url"} to
  // the arguments of showNotification: {title, options}. The ref becomes
  // the tag (a newer notice about the same thing replaces the older one);
  // the url, made a same-origin path, goes in data for notificationclick.
  // Crisis alerts stay on screen until acted on.
  function notificationFor(payload, origin) {
    const p = payload !== null && typeof payload === 'object' ? payload : {};
    const options = { body: text(p.body, MAX_BODY) || BODY, data: { url: samePath(p.url, origin) } };
    if (typeof p.ref === 'string' && REF.test(p.ref)) {
      options.tag = p.ref;
    }
    if (p.kind === 'crisis_alert') {
      options.requireInteraction = true;
      options.renotify = options.tag !== undefined;
    }
    return { title: text(p.title, MAX_TITLE) || TITLE, options };
  }

  // keyBytes decodes the server's base64url application server key.
  function keyBytes(b64url) {
    const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64url.length % 4)) % 4);
    const raw = atob(b64);
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      out[i] = raw.charCodeAt(i);
    }
    return out;
  }

  scope.havenPush = Object.freeze({ notificationFor, samePath, parse, keyBytes });
})(globalThis);
