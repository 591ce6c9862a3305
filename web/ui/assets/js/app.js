// Haven's UI entry point: registers the pages, starts the router and the
// service worker.

import { whenSessionEnds } from './api.js';
import { render, route, navigate } from './router.js';
import { ended, pathFor, sessionState } from './session.js';
import { signinView } from './views/signin.js';
import { mfaView } from './views/mfa.js';
import { enrollView } from './views/enroll.js';
import { inviteView } from './views/invite.js';
import { homeView } from './views/home.js';

// Each path here must also be served the shell by the server: see the page
// list in web/routes.go.
route('/', async () => {
  const state = await sessionState();
  navigate(state.signed_in ? pathFor(state.mfa) : '/signin', { replace: true });
  return null;
});
route('/signin', signinView);
route('/mfa', mfaView);
route('/mfa/setup', enrollView);
route('/invite', inviteView);
route('/home', homeView);

whenSessionEnds((reason) => ended(reason));

// Links within the app navigate without reloading the page.
document.addEventListener('click', (ev) => {
  const a = ev.target instanceof Element ? ev.target.closest('a[href^="/"]') : null;
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || a.target) {
    return;
  }
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => render());

// The skip link moves focus into the page content.
document.querySelector('.skip-link')?.addEventListener('click', (ev) => {
  ev.preventDefault();
  document.getElementById('main').focus();
});

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    // offline support is a bonus; the app works without it
  });
}

render();
