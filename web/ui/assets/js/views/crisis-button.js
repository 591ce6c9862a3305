// The crisis button on the patient's pages, and the watch that shows the
// crisis page at once when any trigger (the button on another device, risk
// language in a message, a questionnaire answer, a clinician) raises a
// crisis request for the signed-in patient.

import { button, h } from '../dom.js';
import { hub } from '../hub.js';
import { navigate } from '../router.js';
import { pressCrisisButton } from './crisis-request.js';
import { forgetOnSignOut } from './crisis-store.js';

// crisisCard is the patient home's crisis button: it alerts the on-call
// counselor and shows the crisis page without waiting for the server.
export function crisisCard() {
  const press = button('I need help now', { kind: 'crisis' });
  press.id = 'crisis-button';
  press.addEventListener('click', () => {
    pressCrisisButton();
    navigate('/crisis');
  });
  watchForCrisis();
  return h('section', { class: 'card crisis-card', 'aria-labelledby': 'crisis-card-h' },
    h('h2', { id: 'crisis-card-h' }, 'Need help right now?'),
    h('p', {}, 'Messages in Haven are not monitored around the clock. This button alerts the on-call crisis counselor and shows you crisis lines you can call or text right away.'),
    press);
}

let watching = false;
const shown = new Set();

// watchForCrisis connects the page to the hub (once) and shows the crisis
// page when a crisis request of the signed-in patient is first announced,
// and again whenever they are told to call 988. A counselor joining does
// not move the patient away from the page they are on (their conversation).
export function watchForCrisis() {
  const live = hub();
  if (watching) {
    return;
  }
  watching = true;
  forgetOnSignOut();
  live.on('crisis.status', (data) => {
    if (!data || !data.escalation_id) {
      return;
    }
    const first = !shown.has(data.escalation_id);
    shown.add(data.escalation_id);
    const show = data.status === 'call_988' || (first && data.status === 'alerted');
    if (show && location.pathname !== '/crisis') {
      navigate('/crisis');
    }
  });
}
