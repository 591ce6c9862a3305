// The device check before a video session: camera, microphone and speaker
// choices, a camera preview and a microphone level meter.
//
//   const check = deviceCheck();   // {node, stream(), speaker(), stop()}

import { button, errorBox, h, nextId } from '../dom.js';

const VIDEO = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24 } };

export function deviceCheck() {
  const preview = h('video', { class: 'video-preview', autoplay: true, muted: true, playsinline: true, 'aria-label': 'Your camera preview' });
  preview.muted = true;
  const camera = picker('camera', 'Camera');
  const mic = picker('microphone', 'Microphone');
  const speaker = picker('speaker', 'Speaker');
  const meterId = nextId('mic-level');
  const meter = h('meter', { id: meterId, min: '0', max: '1', low: '0.1', high: '0.8', optimum: '0.5', value: '0' });
  const error = errorBox();
  const retry = button('Try again', { kind: 'quiet small' });
  retry.hidden = true;
  const speakerHint = h('span', { class: 'hint' }, 'Sound plays on this device’s usual speaker.');
  speakerHint.hidden = true;

  let stream = null;
  let level = null;
  let stopped = false;

  const node = h('section', { class: 'card video-check', 'aria-labelledby': 'check-h' },
    h('h2', { id: 'check-h' }, 'Check your camera and microphone'),
    h('div', { class: 'video-check__grid' },
      h('div', {}, preview),
      h('div', {},
        camera.wrap, mic.wrap,
        h('div', { class: 'field' }, h('label', { for: meterId }, 'Microphone level'), meter,
          h('span', { class: 'hint' }, 'Speak: the bar moves when your microphone hears you.')),
        speaker.wrap, speakerHint)),
    error, retry);

  // open asks for the devices chosen (or any), then lists them.
  async function open() {
    error.textContent = '';
    retry.hidden = true;
    const want = {
      audio: mic.input.value ? { deviceId: { exact: mic.input.value } } : true,
      video: camera.input.value ? { ...VIDEO, deviceId: { exact: camera.input.value } } : VIDEO,
    };
    let next = null;
    try {
      next = await navigator.mediaDevices.getUserMedia(want);
    } catch {
      try {
        next = await navigator.mediaDevices.getUserMedia({ audio: true });
        error.textContent = 'Haven could not use your camera. Others will hear you but not see you.';
      } catch {
        error.textContent = 'Haven could not use your camera or microphone. Allow them in your browser’s site settings, then try again. You can still join to see and hear others.';
        retry.hidden = false;
      }
    }
    if (stopped) {
      release(next);
      return;
    }
    release(stream);
    stream = next;
    preview.srcObject = stream;
    listen();
    await list();
  }

  async function list() {
    if (!navigator.mediaDevices.enumerateDevices) {
      return;
    }
    const devices = await navigator.mediaDevices.enumerateDevices();
    const current = (kind) => {
      const t = stream && (kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0]);
      return t ? t.getSettings().deviceId : '';
    };
    fill(camera, devices.filter((d) => d.kind === 'videoinput'), current('video'), 'Camera');
    fill(mic, devices.filter((d) => d.kind === 'audioinput'), current('audio'), 'Microphone');
    const outputs = devices.filter((d) => d.kind === 'audiooutput');
    const canChoose = 'setSinkId' in HTMLMediaElement.prototype && outputs.length > 0;
    speaker.wrap.hidden = !canChoose;
    speakerHint.hidden = canChoose;
    if (canChoose) {
      fill(speaker, outputs, speaker.input.value || 'default', 'Speaker');
    }
  }

  // listen drives the level meter from the microphone.
  function listen() {
    if (level) {
      level.stop();
      level = null;
    }
    const track = stream && stream.getAudioTracks()[0];
    if (track && window.AudioContext) {
      level = levelMeter(new MediaStream([track]), meter);
    }
  }

  camera.input.addEventListener('change', () => open());
  mic.input.addEventListener('change', () => open());
  retry.addEventListener('click', () => open());
  open();

  return {
    node,
    stream: () => stream,
    speaker: () => (speaker.wrap.hidden ? '' : speaker.input.value),
    // stop ends the preview; keep hands the stream on to the call.
    stop(keep) {
      stopped = true;
      if (level) {
        level.stop();
      }
      preview.srcObject = null;
      if (!keep) {
        release(stream);
      }
    },
  };
}

function picker(name, label) {
  const id = nextId(name);
  const input = h('select', { id, name });
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}

function fill(p, devices, selected, noun) {
  p.input.replaceChildren(...devices.map((d, i) => h('option', { value: d.deviceId, selected: d.deviceId === selected }, d.label || `${noun} ${i + 1}`)));
  p.wrap.hidden = devices.length === 0;
}

function release(stream) {
  if (stream) {
    for (const t of stream.getTracks()) {
      t.stop();
    }
  }
}

// levelMeter shows a stream's loudness on a <meter> about 15 times a second.
function levelMeter(stream, meter) {
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  ctx.createMediaStreamSource(stream).connect(analyser);
  const data = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    if (ctx.state === 'suspended') {
      ctx.resume().catch(() => {});
    }
    analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const v of data) {
      sum += v * v;
    }
    meter.value = Math.min(1, Math.sqrt(sum / data.length) * 4);
  }, 66);
  return {
    stop() {
      clearInterval(timer);
      ctx.close().catch(() => {});
    },
  };
}
