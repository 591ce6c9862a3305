// The settings page, for every role: notifications on this device, the
// devices that get notifications, and what to be notified about when.

import { api } from '../api.js';
import { h } from '../dom.js';
import { navigate } from '../router.js';
import { pathFor, sessionState, started } from '../session.js';
import { deviceSection, devicesSection } from './settings-device.js';
import { preferencesSection } from './settings-prefs.js';

export async function settingsView() {
  const state = await sessionState();
  if (!state.signed_in || state.mfa !== 'full') {
    navigate(state.signed_in ? pathFor(state.mfa) : '/signin', { replace: true });
    return null;
  }
  started(state);
  const me = await api('GET', '/api/me');
  const devices = await devicesSection();
  const here = await deviceSection(me, devices);
  const prefs = await preferencesSection(me);
  return h('div', { class: 'wide' },
    h('p', {}, h('a', { href: '/home' }, 'Back to your home')),
    h('h1', {}, 'Settings'),
    h('p', { class: 'lede' }, 'Haven notifications never say what a message or reminder is about — only that something is waiting for you in Haven.'),
    here,
    h('div', { class: 'grid grid--2' }, devices.node, prefs));
}
