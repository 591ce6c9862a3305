// The home page: the same account bar for everyone, then the home of the
// user's role.

import { api } from '../api.js';
import { button, h, roleName } from '../dom.js';
import { navigate } from '../router.js';
import { pathFor, sessionState, signOut, started } from '../session.js';
import { patientHome } from './home-patient.js';
import { clinicianHome } from './home-clinician.js';
import { counselorHome } from './home-counselor.js';
import { adminHome } from './home-admin.js';

const homes = { patient: patientHome, clinician: clinicianHome, counselor: counselorHome, admin: adminHome };

export async function homeView() {
  const state = await sessionState();
  if (!state.signed_in || state.mfa !== 'full') {
    navigate(state.signed_in ? pathFor(state.mfa) : '/signin', { replace: true });
    return null;
  }
  started(state);
  const me = await api('GET', '/api/me');
  const home = homes[me.role];
  const body = home ? await home(me) : [];
  return h('div', { class: 'wide' },
    accountBar(me),
    body);
}

// accountBar greets the user and links to settings and both ways to sign
// out.
function accountBar(me) {
  const out = button('Sign out', { kind: 'quiet small' });
  out.id = 'sign-out';
  out.addEventListener('click', () => signOut(false));
  const everywhere = button('Sign out everywhere', { kind: 'quiet small' });
  everywhere.id = 'sign-out-everywhere';
  everywhere.addEventListener('click', () => signOut(true));
  return h('div', { class: 'account-bar' },
    h('div', {},
      h('h1', {}, `Hello, ${me.display_name}`),
      h('p', { class: 'who' }, h('span', { class: 'role-badge' }, roleName(me.role)), ' ', me.email)),
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Your account' },
      h('a', { href: '/settings', class: 'button button--quiet button--small', id: 'settings-link' }, 'Settings'), out, everywhere));
}
