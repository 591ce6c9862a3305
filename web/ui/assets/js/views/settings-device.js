// Settings: notifications on this device (turn on and off, and every state
// in between explained) and the list of the user's devices.

import { api } from '../api.js';
import { button, h, statusBox, timeEl } from '../dom.js';
import { forget, permission, resync, support, thisDevice, turnOff, turnOn } from '../push.js';

// devicesSection lists the devices that get the user's notifications, each
// with a Remove button. It returns {node, refresh, available, onRemoved}:
// available is false when the server has no notifications; onRemoved(fn)
// calls fn after this browser's own device is removed.
export async function devicesSection() {
  const list = h('div', { id: 'devices' });
  const status = statusBox();
  let available = true;
  let removedHere = () => {};
  async function refresh() {
    try {
      const { devices } = await api('GET', '/api/push/subscriptions');
      list.replaceChildren(deviceList(devices));
    } catch (err) {
      available = err.status !== 503;
      list.replaceChildren(h('p', { class: 'empty' }, err.message));
    }
  }
  function deviceList(devices) {
    if (devices.length === 0) {
      return h('p', { class: 'empty' }, 'No devices get your notifications yet.');
    }
    return h('ul', { class: 'list', id: 'device-list' }, devices.map((d) => {
      const here = d.id === thisDevice();
      const remove = button('Remove', { kind: 'quiet small' });
      remove.setAttribute('aria-label', `Remove ${d.label || 'device'}${here ? ' (this device)' : ''}`);
      remove.addEventListener('click', async () => {
        remove.disabled = true;
        try {
          await (here ? turnOff() : forget(d.id));
          status.textContent = `${d.label || 'The device'} will no longer get notifications.`;
          await refresh();
          if (here) {
            removedHere();
          }
        } catch (err) {
          remove.disabled = false;
          status.textContent = err.message;
        }
        list.focus();
      });
      return h('li', {},
        h('div', { class: 'list__main' },
          h('span', { class: 'list__title' }, d.label || 'Web browser', here ? h('span', { class: 'tag' }, 'This device') : null),
          h('span', { class: 'list__meta' }, 'Added ', timeEl(d.created_at), ' · last active ', timeEl(d.last_seen_at))),
        h('div', { class: 'actions' }, remove));
    }));
  }
  await refresh();
  list.tabIndex = -1;
  const node = h('section', { class: 'card', 'aria-labelledby': 'devices-h' },
    h('h2', { id: 'devices-h' }, 'Devices that get notifications'),
    h('p', { class: 'muted' }, 'Remove a device you no longer use, or one you do not recognise.'),
    status,
    list);
  return { node, refresh, get available() { return available; }, onRemoved(fn) { removedHere = fn; } };
}

// deviceSection turns notifications on or off for this browser. Permission
// is asked only when the user presses the button.
export async function deviceSection(me, devices) {
  const body = h('div', { id: 'push-state' });
  const section = h('section', { class: 'card', 'aria-labelledby': 'push-h' },
    h('h2', { id: 'push-h' }, 'Notifications on this device'),
    body);

  function show(state, message = '') {
    const moveFocus = section.contains(document.activeElement);
    body.dataset.state = state;
    body.replaceChildren(...views[state](message).filter(Boolean));
    if (moveFocus) {
      (body.querySelector('button') || body.querySelector('[role=status], [role=alert]'))?.focus();
    }
  }

  async function on() {
    const btn = body.querySelector('button');
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    btn.textContent = 'Turning on…';
    try {
      const answer = await turnOn(me.id);
      if (answer === 'denied') {
        show('blocked');
      } else if (answer === 'granted') {
        show('on', 'Notifications are on for this device.');
        await devices.refresh();
      } else {
        show('off', 'Notifications stay off. You can turn them on whenever you like.');
      }
    } catch (err) {
      show('error', err && err.message ? err.message : 'Something went wrong. Please try again.');
    }
  }

  async function off() {
    try {
      await turnOff();
      show('off', 'Notifications are off for this device.');
      await devices.refresh();
    } catch (err) {
      show('error', err.message);
    }
  }

  const turnOnButton = (text = 'Turn on notifications') => {
    const b = button(text);
    b.id = 'push-on';
    b.addEventListener('click', on);
    return b;
  };

  const views = {
    unsupported: () => [
      h('p', { role: 'status' }, 'This browser cannot show notifications from Haven.'),
      h('p', { class: 'muted' }, 'You will still see everything new when you open Haven. A recent version of Chrome, Edge, Firefox or Safari can show notifications.'),
    ],
    'ios-install': () => [
      h('p', { role: 'status' }, 'On iPhone and iPad, Haven can send notifications once you add it to your Home Screen.'),
      h('ol', { class: 'steps' },
        h('li', {}, 'In Safari, tap the Share button (the square with an arrow pointing up).'),
        h('li', {}, 'Choose “Add to Home Screen”, then tap Add.'),
        h('li', {}, 'Open Haven from the new icon on your Home Screen, sign in, and come back to Settings.')),
      h('p', { class: 'muted' }, 'This needs iOS or iPadOS 16.4 or later.'),
    ],
    unavailable: () => [
      h('p', { role: 'status' }, 'Notifications are not available on this Haven server. You will see everything new when you open Haven.'),
    ],
    blocked: () => [
      h('p', { role: 'status' }, 'Notifications are blocked for Haven in this browser.'),
      h('p', { class: 'muted' }, 'To allow them, open this site’s settings in your browser (often from the icon just left of the address), set Notifications to Allow, then reload this page.'),
    ],
    off: (message) => [
      message ? statusBox(message) : null,
      h('p', {}, 'Haven can tell you on this device when something needs you, such as a new message or an upcoming appointment.'),
      h('div', { class: 'actions' }, turnOnButton()),
      h('p', { class: 'hint' }, 'Your browser will ask whether to allow notifications.'),
    ],
    on: (message) => {
      const b = button('Turn off on this device', { kind: 'quiet' });
      b.id = 'push-off';
      b.addEventListener('click', off);
      return [statusBox(message || 'Notifications are on for this device.', 'notice--ok'), h('div', { class: 'actions' }, b)];
    },
    error: (message) => [
      h('p', { class: 'form-error', role: 'alert' }, message),
      h('div', { class: 'actions' }, turnOnButton('Try again')),
    ],
  };

  devices.onRemoved(() => show('off', 'Notifications are off for this device.'));
  show(await initialState());
  return section;

  async function initialState() {
    const s = support();
    if (s !== 'ok') {
      return s;
    }
    if (!devices.available) {
      return 'unavailable';
    }
    if (permission() === 'denied') {
      return 'blocked';
    }
    if (permission() !== 'granted') {
      return 'off';
    }
    try {
      const device = await resync();
      if (device) {
        await devices.refresh(); // mark this device in the list
      }
      return device ? 'on' : 'off';
    } catch {
      return 'off';
    }
  }
}
