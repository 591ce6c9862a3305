// The call's stage: a tile per person (camera, screen share, active
// speaker highlight), the call controls, and for the host the waiting room
// and the people in the call with their connection quality.
//
//   const stage = videoStage({ info, call, stream, speakerId, status });

import { button, h } from '../dom.js';

const QUALITY = ['', 'very poor', 'poor', 'fair', 'good', 'excellent'];

export function videoStage({ info, call, stream, speakerId, status }) {
  const names = new Map(info.members.map((m) => [m.participant, m]));
  const nameOf = (pid) => (names.get(pid) && names.get(pid).name) || 'Someone';
  const grid = h('ul', { class: 'video-grid', 'aria-label': 'People in this session' });
  const tiles = new Map(); // key pid|source → {li, media}
  const people = new Map(); // pid → {muted, quality}
  const host = info.role === 'host';

  // Tiles.
  function tile(pid, source) {
    const key = `${pid}|${source === 'screen' ? 'screen' : 'camera'}`;
    let t = tiles.get(key);
    if (!t) {
      const video = h('video', { autoplay: true, playsinline: true, muted: true });
      video.muted = true;
      const label = source === 'screen' ? `${nameOf(pid)}’s screen` : nameOf(pid);
      const li = h('li', { class: 'video-tile', 'data-participant': pid },
        video,
        h('p', { class: 'video-tile__name' }, label, pid === info.participant ? ' (you)' : ''));
      t = { li, video, audio: null };
      tiles.set(key, t);
      grid.append(li);
      layout();
    }
    return t;
  }

  function addTrack(pid, source, track) {
    if (!people.has(pid)) {
      person(pid);
      renderPeople();
    }
    const t = tile(pid, source);
    if (track.kind === 'audio') {
      if (!t.audio) {
        t.audio = h('audio', { autoplay: true });
        if (speakerId && t.audio.setSinkId) {
          t.audio.setSinkId(speakerId).catch(() => {});
        }
        t.li.append(t.audio);
      }
      t.audio.srcObject = new MediaStream([track]);
    } else {
      t.video.srcObject = new MediaStream([track]);
      t.li.classList.add('video-tile--video');
    }
  }

  function dropTrack(pid, source) {
    const key = `${pid}|${source === 'screen' ? 'screen' : 'camera'}`;
    const t = tiles.get(key);
    if (!t) {
      return;
    }
    if (source === 'mic' && t.audio) {
      t.audio.srcObject = null;
    } else if (source !== 'mic') {
      t.video.srcObject = null;
      t.li.classList.remove('video-tile--video');
    }
    if (source === 'screen') {
      t.li.remove();
      tiles.delete(key);
      layout();
    }
  }

  function dropPerson(pid) {
    for (const [key, t] of tiles) {
      if (key.startsWith(`${pid}|`)) {
        t.li.remove();
        tiles.delete(key);
      }
    }
    people.delete(pid);
    layout();
    renderPeople();
  }

  function layout() {
    grid.dataset.count = String(Math.min(tiles.size, 9));
  }

  // Self.
  if (stream) {
    const me = tile(info.participant, 'camera');
    me.video.srcObject = stream;
    me.li.classList.add('video-tile--self');
    if (stream.getVideoTracks().length > 0) {
      me.li.classList.add('video-tile--video');
    }
  }

  // Controls.
  let micOn = !!(stream && stream.getAudioTracks().length);
  let serverMuted = false;
  let camOn = !!(stream && stream.getVideoTracks().length);
  const micBtn = toggle('Mute');
  micBtn.disabled = !micOn;
  const camBtn = toggle('Turn camera off');
  camBtn.disabled = !camOn;
  const shareBtn = toggle('Share screen');
  shareBtn.hidden = !(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
  const leaveBtn = button('Leave', { kind: 'danger' });
  leaveBtn.id = 'video-leave';
  const endBtn = button('End for everyone', { kind: 'danger' });
  endBtn.hidden = !host;

  micBtn.addEventListener('click', async () => {
    try {
      if (micOn) {
        call.setMic(false);
      } else {
        await call.unmute(serverMuted);
        serverMuted = false;
      }
    } catch (err) {
      status.say(err.message);
    }
  });
  camBtn.addEventListener('click', () => {
    camOn = !camOn;
    call.setCamera(camOn);
    setToggle(camBtn, camOn ? 'Turn camera off' : 'Turn camera on');
  });
  shareBtn.addEventListener('click', async () => {
    try {
      if (call.screen) {
        await call.stopScreen();
      } else {
        const track = await call.shareScreen();
        tile(info.participant, 'screen').video.srcObject = new MediaStream([track]);
        setToggle(shareBtn, 'Stop sharing');
      }
    } catch (err) {
      if (err && err.name !== 'NotAllowedError') {
        status.say(err.message || 'Your screen could not be shared.');
      }
    }
  });
  endBtn.addEventListener('click', () => {
    if (endBtn.dataset.confirm) {
      call.endForAll().catch((err) => status.say(err.message));
      return;
    }
    endBtn.dataset.confirm = '1';
    endBtn.textContent = 'Yes, end for everyone';
    status.say('Select “Yes, end for everyone” to end the session for all.');
  });

  const controls = h('div', { class: 'video-controls actions', role: 'group', 'aria-label': 'Call controls' },
    micBtn, camBtn, shareBtn, leaveBtn, endBtn);

  // The host's panel.
  const waitingList = h('ul', { class: 'list', id: 'video-waiting' });
  const peopleList = h('ul', { class: 'list', id: 'video-people' });
  const panel = host ? h('div', { class: 'grid grid--2 video-host' },
    h('section', { class: 'card', 'aria-labelledby': 'waiting-h' },
      h('h2', { id: 'waiting-h' }, 'Waiting room'), waitingList),
    h('section', { class: 'card', 'aria-labelledby': 'people-h' },
      h('h2', { id: 'people-h' }, 'In this session'), peopleList)) : null;
  renderWaiting([]);

  function renderWaiting(pids) {
    waitingList.replaceChildren(...(pids.length === 0
      ? [h('li', { class: 'empty' }, 'Nobody is waiting.')]
      : pids.map((pid) => {
        const admit = button('Admit', { kind: 'small' });
        admit.setAttribute('aria-label', `Admit ${nameOf(pid)}`);
        admit.addEventListener('click', () => call.admit(pid).catch((err) => status.say(err.message)));
        const decline = button('Decline', { kind: 'quiet small' });
        decline.setAttribute('aria-label', `Decline ${nameOf(pid)}`);
        decline.addEventListener('click', () => call.decline(pid).catch((err) => status.say(err.message)));
        return h('li', {}, h('div', { class: 'list__main' }, h('span', { class: 'list__title' }, nameOf(pid))),
          h('div', { class: 'actions' }, admit, decline));
      })));
  }

  function renderPeople() {
    const rows = [...people.entries()].filter(([pid]) => pid !== info.participant);
    peopleList.replaceChildren(...(rows.length === 0
      ? [h('li', { class: 'empty' }, 'Nobody else has joined yet.')]
      : rows.map(([pid, p]) => {
        const mute = button(p.muted ? 'Muted' : 'Mute', { kind: 'quiet small' });
        mute.disabled = p.muted;
        mute.setAttribute('aria-label', `Mute ${nameOf(pid)}`);
        mute.addEventListener('click', () => call.mute(pid).catch((err) => status.say(err.message)));
        const remove = button('Remove', { kind: 'danger small' });
        remove.setAttribute('aria-label', `Remove ${nameOf(pid)}`);
        remove.addEventListener('click', () => call.remove(pid).catch((err) => status.say(err.message)));
        const q = p.quality ? `Connection: ${QUALITY[p.quality]} (${p.quality} of 5)` : 'Connection: measuring…';
        return h('li', {}, h('div', { class: 'list__main' }, h('span', { class: 'list__title' }, nameOf(pid)),
          h('span', { class: 'list__meta video-quality' }, q)), h('div', { class: 'actions' }, mute, remove));
      })));
  }
  renderPeople();

  function person(pid) {
    if (!people.has(pid)) {
      people.set(pid, { muted: false, quality: 0 });
    }
    return people.get(pid);
  }

  // event handles the call's media.* events.
  function event(type, data) {
    switch (type) {
      case 'joined':
        person(data.participant);
        tile(data.participant, 'camera');
        renderPeople();
        status.say(`${nameOf(data.participant)} joined.`);
        break;
      case 'left':
        dropPerson(data.participant);
        status.say(`${nameOf(data.participant)} left.`);
        break;
      case 'waiting_list':
        renderWaiting(data.waiting || []);
        if ((data.waiting || []).length > 0) {
          status.say(`${data.waiting.map(nameOf).join(', ')} ${data.waiting.length === 1 ? 'is' : 'are'} waiting to join.`);
        }
        break;
      case 'speaker':
        for (const t of tiles.values()) {
          t.li.classList.toggle('video-tile--speaking', t.li.dataset.participant === data.participant);
        }
        break;
      case 'muted':
      case 'unmuted':
        if (data.participant === info.participant) {
          serverMuted = type === 'muted';
          if (serverMuted) {
            status.say('The host muted your microphone. Select Unmute to speak again.');
          }
        } else {
          person(data.participant).muted = type === 'muted';
          renderPeople();
        }
        break;
      case 'mic':
        micOn = data.on;
        setToggle(micBtn, micOn ? 'Mute' : 'Unmute');
        break;
      case 'screen':
        setToggle(shareBtn, 'Share screen');
        dropTrack(info.participant, 'screen');
        break;
      case 'quality':
        if (data.participant === info.participant) {
          myQuality.textContent = `Your connection: ${QUALITY[data.score] || 'measuring'}.`;
        } else {
          person(data.participant).quality = data.score;
          renderPeople();
        }
        break;
      case 'audio_only':
        audioOnly.textContent = data.on
          ? 'Video is paused because of your connection: you are on audio only. Video comes back when your connection improves.'
          : '';
        break;
      default:
    }
  }

  const myQuality = h('p', { class: 'muted video-my-quality' });
  const audioOnly = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite', id: 'video-audio-only' });
  const node = h('div', { class: 'video-stage', id: 'video-stage' }, audioOnly, grid, controls, myQuality, panel);

  return { node, leaveButton: leaveBtn, addTrack, dropTrack, dropPerson, event };
}

// toggle is a control whose label says what pressing it does next
// ("Mute" / "Unmute").
function toggle(text) {
  return button(text, { kind: 'quiet' });
}

function setToggle(b, text) {
  b.textContent = text;
}
