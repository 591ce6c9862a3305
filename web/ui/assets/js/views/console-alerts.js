// How the console gets a counselor's attention for a new crisis request: a
// short beep made with WebAudio (no sound file) and a desktop notification
// that names no patient. Browsers allow both only after a click, so the
// console has a button that turns them on.

import { button, h, statusBox } from '../dom.js';

let audio = null;

// beep plays two short tones; silent until alerts were turned on by a click.
export function beep() {
  if (!audio) {
    return;
  }
  audio.resume().catch(() => {});
  const start = audio.currentTime + 0.01;
  for (const [at, freq] of [[0, 880], [0.28, 660]]) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start + at);
    gain.gain.exponentialRampToValueAtTime(0.25, start + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.22);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + at);
    osc.stop(start + at + 0.25);
  }
}

// notify shows a desktop notification for a new request, if permitted.
export function notify(id) {
  if (!('Notification' in window) || Notification.permission !== 'granted') {
    return;
  }
  const n = new Notification('Haven crisis console', {
    body: 'A crisis request needs a counselor now.',
    tag: `crisis-${id}`,
    requireInteraction: true,
  });
  n.addEventListener('click', () => {
    window.focus();
    n.close();
  });
}

// alertsCard turns on sound and desktop alerts (asking for permission only
// on the click) and says which are on.
export function alertsCard() {
  const state = statusBox();
  const on = button('Turn on sound and desktop alerts', { kind: 'quiet' });
  on.id = 'alerts-on';
  const say = () => {
    const perm = 'Notification' in window ? Notification.permission : 'unsupported';
    const sound = audio ? 'Sound alerts are on.' : 'Sound alerts are off.';
    const desk = {
      granted: 'Desktop alerts are on.',
      denied: 'Desktop alerts are blocked in this browser\u2019s settings.',
      unsupported: 'This browser cannot show desktop alerts.',
    }[perm] || 'Desktop alerts are off.';
    state.textContent = `${sound} ${desk}`;
    on.hidden = !!audio && perm !== 'default';
  };
  on.addEventListener('click', async () => {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audio && Ctx) {
      audio = new Ctx();
    }
    if ('Notification' in window && Notification.permission === 'default') {
      await Notification.requestPermission().catch(() => 'default');
    }
    say();
    beep();
  });
  say();
  return h('section', { class: 'card', 'aria-labelledby': 'alerts-h' },
    h('h2', { id: 'alerts-h' }, 'Alerts'),
    h('p', { class: 'muted' }, 'A new crisis request makes a short sound and shows a desktop notification that names no one.'),
    state, on);
}
