// Haven's UI entry point: registers the pages, starts the router and the
// service worker.

import { whenSessionEnds } from './api.js';
import { render, route, routePrefix, navigate } from './router.js';
import { ended, pathFor, sessionState } from './session.js';
import { signinView } from './views/signin.js';
import { mfaView } from './views/mfa.js';
import { enrollView } from './views/enroll.js';
import { inviteView } from './views/invite.js';
import { homeView } from './views/home.js';
import { settingsView } from './views/settings.js';
import { visitsView } from './views/visits.js';
import { dayView } from './views/visits-day.js';
import { availabilityView } from './views/visits-availability.js';
import { medsView } from './views/meds.js';
import { refillsView } from './views/meds-refills.js';
import { medsManageView } from './views/meds-manage.js';
import { crisisView } from './views/crisis.js';
import { consoleView } from './views/console.js';
import { watchForCrisis } from './views/crisis-button.js';
import { questionnairesView } from './views/measures-questionnaires.js';
import { progressView } from './views/measures-progress.js';
import { moodView } from './views/measures-mood.js';
import { safetyPlanView } from './views/safety-plan.js';
import { notesView } from './views/records-notes.js';
import { chartView } from './views/records-chart.js';
import { videoView } from './views/video.js';
import { videoStartView } from './views/video-start.js';
import { messagesView } from './views/chat-messages.js';
import { chatView } from './views/chat.js';
import { inboxView } from './views/inbox.js';
import { resync } from './push.js';

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
route('/settings', settingsView);
route('/appointments', visitsView);
route('/my-day', dayView);
route('/availability', availabilityView);
route('/medications', medsView);
route('/refills', refillsView);
route('/patient-medications', medsManageView);
route('/crisis', crisisView);
route('/console', consoleView);
route('/questionnaires', questionnairesView);
route('/progress', progressView);
route('/mood', moodView);
route('/safety-plan', safetyPlanView);
route('/notes', notesView);
route('/chart', chartView);
route('/video', videoStartView);
routePrefix('/video/', videoView);
route('/messages', messagesView);
route('/chat', chatView);
route('/inbox', inboxView);

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
  // A tapped notification asks an open window to show its page.
  navigator.serviceWorker.addEventListener('message', (ev) => {
    const d = ev.data;
    if (d && d.type === 'navigate' && typeof d.url === 'string' && d.url.startsWith('/') && !d.url.startsWith('//')) {
      navigate(d.url);
    }
  });
}

// With notifications on, tell the server this browser's subscription again
// (its endpoint may have changed). Never asks for permission; without a
// session it waits for the next start.
resync().catch(() => {});

// A crisis request raised for the signed-in patient, by any trigger, shows
// the crisis page at once. This connects the page to the hub (signed out,
// it stops after one try until a page asks again).
watchForCrisis();

render();
