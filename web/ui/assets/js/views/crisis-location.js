// Sharing the patient's location with the counselor helping them: only
// after an explicit click, which is also when the browser first asks for
// permission. Haven never passes it to emergency services; it is erased
// when the request is closed.

import { api } from '../api.js';
import { button, errorBox, h, statusBox } from '../dom.js';

const GEO_OPTIONS = { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 };

// locationCard is hidden until the patient has an open request.
export function locationCard() {
  const share = button('Share my location with the counselor', { kind: 'quiet' });
  share.id = 'share-location';
  const done = statusBox();
  const problem = errorBox();
  const node = h('section', { class: 'card', 'aria-labelledby': 'location-h', hidden: true },
    h('h2', { id: 'location-h' }, 'Share where you are (optional)'),
    h('p', {}, 'If you choose to, Haven sends your current location once to the crisis counselor helping you, so they can tell you about help nearby. Your browser will ask your permission first. Haven never sends it to emergency services, and it is erased when your request is closed.'),
    done, problem, share);

  share.addEventListener('click', async () => {
    done.textContent = '';
    problem.textContent = '';
    if (!('geolocation' in navigator)) {
      problem.textContent = 'This browser cannot share a location. You can tell the counselor where you are instead.';
      return;
    }
    share.disabled = true;
    share.setAttribute('aria-busy', 'true');
    try {
      const pos = await new Promise((resolve, reject) => navigator.geolocation.getCurrentPosition(resolve, reject, GEO_OPTIONS));
      const { latitude: lat, longitude: lon, accuracy } = pos.coords;
      await api('POST', '/api/crisis/location', { lat, lon, accuracy }, { auth: false });
      done.textContent = 'Your location was shared with the counselor helping you.';
    } catch (err) {
      problem.textContent = `Your location was not shared: ${geoMessage(err)} You can tell the counselor where you are instead.`;
    } finally {
      share.disabled = false;
      share.removeAttribute('aria-busy');
    }
  });

  return {
    node,
    // open shows the card while the patient has an open request.
    open(isOpen) {
      node.hidden = !isOpen;
    },
  };
}

function geoMessage(err) {
  if (err && typeof err.code === 'number' && !('status' in err)) {
    switch (err.code) {
      case 1:
        return 'permission to use your location was not given.';
      case 2:
        return 'your location could not be found.';
      case 3:
        return 'finding your location took too long.';
    }
  }
  return err && err.message ? err.message : 'something went wrong.';
}
