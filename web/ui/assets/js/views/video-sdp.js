// Small helpers over session descriptions for the video call.

// mediaSections reads each m-section of an SDP: its mid, whether the
// sender sends on it, and its msid ("<stream id> <track id>"): the SFU
// names a received track's stream after the publisher's participant id
// and the track after its source (mic, camera, screen).
export function mediaSections(sdp) {
  const out = [];
  let cur = null;
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('m=')) {
      cur = { kind: line.slice(2).split(' ')[0], port: line.split(' ')[1], mid: '', stream: '', track: '', sends: false };
      out.push(cur);
    } else if (cur && line.startsWith('a=mid:')) {
      cur.mid = line.slice(6);
    } else if (cur && line.startsWith('a=msid:')) {
      [cur.stream, cur.track] = line.slice(7).split(' ');
    } else if (cur && (line === 'a=sendonly' || line === 'a=sendrecv')) {
      cur.sends = cur.port !== '0';
    }
  }
  return out;
}

// gathered waits until pc has gathered its ICE candidates (they then go in
// its SDP, so none need trickling), or for at most ms.
export function gathered(pc, ms = 2500) {
  if (pc.iceGatheringState === 'complete') {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') {
        done();
      }
    };
    const timer = setTimeout(done, ms);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

// SIMULCAST is how the camera is published (FRAMES.md): three encodings,
// lowest first, rids q/h/f, so the SFU can forward each subscriber the
// layer its bandwidth carries.
export const SIMULCAST = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500000 },
  { rid: 'f', maxBitrate: 1500000 },
];
