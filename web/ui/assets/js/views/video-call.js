// The client side of a video session: two peer connections to Haven's SFU
// negotiated over the page's hub connection (signaling/PROTOCOL.md §12 and
// media/FRAMES.md). "up" is offered here and publishes the microphone, the
// camera in simulcast and an optional screen share; "down" is offered by
// the SFU and carries everyone else. No DOM here: the stage listens.
//
//   const call = new Call({ session, iceServers, stream, on });
//   on.state(s)            'joining' | 'waiting' | 'in-call' | 'reconnecting' | 'declined' | 'removed' | 'ended' | 'left'
//   on.track(pid, source, track)  a remote track arrived ('mic', 'camera', 'screen')
//   on.trackEnded(pid, source)    it went away
//   on.event(type, data)   the other media.* events (joined, left, speaker, quality, …)
//   on.error(message)      something the user should know failed

import { hub } from '../hub.js';
import { gathered, mediaSections, SIMULCAST } from './video-sdp.js';

const EVENTS = ['media.offer', 'media.answer', 'media.waiting', 'media.admitted', 'media.declined',
  'media.waiting_list', 'media.joined', 'media.left', 'media.removed', 'media.muted', 'media.unmuted',
  'media.ended', 'media.speaker', 'media.audio_only', 'media.quality', 'media.layers'];

export class Call {
  constructor({ session, iceServers, stream, on }) {
    this.session = session;
    this.iceServers = iceServers || [];
    this.local = stream;
    this.on = on;
    this.state = 'idle';
    this.me = null;
    this.role = null;
    this.live = hub();
    this.offs = [];
    this.up = null;
    this.down = null;
    this.sources = new Map(); // up transceiver → source
    this.remote = new Map(); // down mid → {pid, source}
    this.screen = null;
    this.answerWaiter = null;
    this.upChain = Promise.resolve();
    this.downChain = Promise.resolve();
  }

  // start joins the session (or its waiting room).
  async start() {
    for (const type of EVENTS) {
      this.offs.push(this.live.on(type, (data) => this.event(type, data || {})));
    }
    this.offs.push(this.live.on('welcome', () => this.reconnected()));
    this.offs.push(this.live.onStatus((s) => {
      if (s !== 'online' && this.active()) {
        this.setState('reconnecting');
      }
    }));
    await this.online();
    await this.join();
  }

  active() {
    return this.state === 'in-call' || this.state === 'reconnecting';
  }

  online() {
    if (this.live.status === 'online') {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const off = this.live.onStatus((s) => {
        if (s === 'online') {
          off();
          resolve();
        }
      });
    });
  }

  // join enters afresh with new peer connections.
  async join() {
    this.setState('joining');
    this.newPeers();
    const r = await this.live.request('media.join', { room: this.session });
    this.me = r.participant;
    this.role = r.role;
    if (r.waiting) {
      this.closePeers();
      this.setState('waiting');
      return;
    }
    this.setState('in-call');
    await this.publish();
  }

  // reconnected runs after each welcome: a call in progress asks for its
  // place back (ICE restarts on both connections), or starts over.
  async reconnected() {
    if (!this.active()) {
      return;
    }
    try {
      const r = await this.live.request('media.join', { room: this.session, resume: true });
      if (r.waiting) {
        this.closePeers();
        this.setState('waiting');
      } else if (r.resumed) {
        this.setState('in-call');
        await this.offerUp(true);
      } else {
        await this.join();
      }
    } catch (err) {
      this.fail(err);
    }
  }

  newPeers() {
    this.closePeers();
    const config = { iceServers: this.iceServers, bundlePolicy: 'max-bundle' };
    this.up = new RTCPeerConnection(config);
    this.down = new RTCPeerConnection(config);
    this.down.addEventListener('track', (ev) => this.remoteTrack(ev));
    for (const pc of [this.up, this.down]) {
      pc.addEventListener('connectionstatechange', () => this.pcState(pc));
    }
  }

  closePeers() {
    for (const pc of [this.up, this.down]) {
      if (pc) {
        pc.close();
      }
    }
    this.up = null;
    this.down = null;
    this.sources = new Map();
    for (const { pid, source } of this.remote.values()) {
      this.on.trackEnded(pid, source);
    }
    this.remote = new Map();
  }

  // publish adds the local tracks (and a screen share) to up and offers it.
  async publish() {
    const audio = this.local && this.local.getAudioTracks()[0];
    const video = this.local && this.local.getVideoTracks()[0];
    const streams = this.local ? [this.local] : [];
    if (audio) {
      this.sources.set(this.up.addTransceiver(audio, { direction: 'sendonly', streams }), 'mic');
    }
    if (video) {
      this.sources.set(this.up.addTransceiver(video, { direction: 'sendonly', streams, sendEncodings: SIMULCAST }), 'camera');
    }
    if (this.screen) {
      this.screen.transceiver = this.up.addTransceiver(this.screen.track, { direction: 'sendonly', streams });
      this.sources.set(this.screen.transceiver, 'screen');
    }
    if (this.sources.size > 0) {
      await this.offerUp(false);
    }
  }

  // offerUp (re)negotiates the up connection; calls queue.
  offerUp(iceRestart) {
    this.upChain = this.upChain.catch(() => {}).then(() => this.negotiateUp(iceRestart));
    return this.upChain;
  }

  async negotiateUp(iceRestart) {
    const up = this.up;
    if (!up || this.sources.size === 0) {
      return;
    }
    await up.setLocalDescription(await up.createOffer({ iceRestart }));
    await gathered(up);
    const tracks = {};
    for (const [t, source] of this.sources) {
      if (t.mid && !t.stopped && t.currentDirection !== 'stopped') {
        tracks[t.mid] = source;
      }
    }
    const answered = new Promise((resolve, reject) => {
      this.answerWaiter = resolve;
      setTimeout(() => reject(new Error('The video service did not answer. Try leaving and joining again.')), 15000);
    });
    answered.catch(() => {}); // awaited below once the offer is accepted
    await this.live.request('media.offer', { sdp: up.localDescription.sdp, tracks });
    const sdp = await answered;
    if (this.up === up) {
      await up.setRemoteDescription({ type: 'answer', sdp });
    }
  }

  // answerDown applies the SFU's down offer and answers it.
  answerDown(sdp) {
    this.downChain = this.downChain.catch(() => {}).then(async () => {
      const down = this.down;
      if (!down) {
        return;
      }
      this.mapRemote(sdp);
      await down.setRemoteDescription({ type: 'offer', sdp });
      await down.setLocalDescription(await down.createAnswer());
      await gathered(down);
      if (this.down === down) {
        await this.live.request('media.answer', { sdp: down.localDescription.sdp });
      }
    }).catch((err) => this.fail(err));
  }

  // mapRemote learns which publisher and source each down mid carries,
  // and reports the tracks that stopped.
  mapRemote(sdp) {
    for (const m of mediaSections(sdp)) {
      const known = this.remote.get(m.mid);
      if (m.sends && m.stream) {
        this.remote.set(m.mid, { pid: m.stream, source: m.track || (m.kind === 'audio' ? 'mic' : 'camera') });
      } else if (known) {
        this.remote.delete(m.mid);
        this.on.trackEnded(known.pid, known.source);
      }
    }
  }

  remoteTrack(ev) {
    const mid = ev.transceiver && ev.transceiver.mid;
    const known = this.remote.get(mid);
    const pid = known ? known.pid : (ev.streams[0] && ev.streams[0].id);
    if (!pid) {
      return;
    }
    const source = known ? known.source : (ev.track.kind === 'audio' ? 'mic' : 'camera');
    this.on.track(pid, source, ev.track);
  }

  pcState(pc) {
    if (pc !== this.up && pc !== this.down) {
      return;
    }
    if (pc.connectionState === 'failed' && this.state === 'in-call' && this.live.status === 'online') {
      // The network changed under a live signaling connection: restart ICE.
      this.live.request('media.restart', {}).catch(() => {});
      this.offerUp(true).catch((err) => this.fail(err));
    }
  }

  event(type, data) {
    switch (type) {
      case 'media.offer':
        this.answerDown(data.sdp);
        return;
      case 'media.answer':
        if (this.answerWaiter) {
          this.answerWaiter(data.sdp);
          this.answerWaiter = null;
        }
        return;
      case 'media.admitted':
        if (this.state === 'waiting') {
          this.join().catch((err) => this.fail(err));
        }
        return;
      case 'media.declined':
        this.setState('declined');
        return;
      case 'media.removed':
        this.on.event('removed', data);
        this.hangUp('removed');
        return;
      case 'media.ended':
        this.hangUp('ended');
        return;
      case 'media.muted':
      case 'media.unmuted':
        if (data.participant === this.me) {
          this.setMic(type === 'media.unmuted');
        }
        break;
      default:
    }
    this.on.event(type.slice('media.'.length), data);
  }

  // setMic turns the microphone on or off here (others stop hearing it at
  // once; a host's mute also stops it at the SFU).
  setMic(on) {
    const t = this.local && this.local.getAudioTracks()[0];
    if (t) {
      t.enabled = on;
    }
    this.on.event('mic', { on });
  }

  // unmute asks the SFU to forward the microphone again after a host's
  // mute, and turns it on.
  async unmute(serverMuted) {
    if (serverMuted) {
      await this.live.request('media.unmute', { participant: this.me });
    }
    this.setMic(true);
  }

  setCamera(on) {
    const t = this.local && this.local.getVideoTracks()[0];
    if (t) {
      t.enabled = on;
    }
  }

  // shareScreen publishes a screen as a second video track.
  async shareScreen() {
    const s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = s.getVideoTracks()[0];
    track.addEventListener('ended', () => this.stopScreen().catch(() => {}));
    this.screen = { track, transceiver: null };
    if (this.up) {
      this.screen.transceiver = this.up.addTransceiver(track, { direction: 'sendonly', streams: this.local ? [this.local] : [] });
      this.sources.set(this.screen.transceiver, 'screen');
      await this.offerUp(false);
    }
    return track;
  }

  async stopScreen() {
    const sc = this.screen;
    if (!sc) {
      return;
    }
    this.screen = null;
    sc.track.stop();
    if (sc.transceiver && this.up) {
      this.sources.delete(sc.transceiver);
      sc.transceiver.stop();
      await this.offerUp(false);
    }
    this.on.event('screen', { on: false });
  }

  // host actions; each rejects with the server's reason.
  admit(pid) { return this.live.request('media.admit', { participant: pid }); }
  decline(pid) { return this.live.request('media.decline', { participant: pid }); }
  mute(pid) { return this.live.request('media.mute', { participant: pid }); }
  remove(pid) { return this.live.request('media.remove', { participant: pid }); }
  endForAll() { return this.live.request('media.end', {}); }

  // leave leaves the session (or its waiting room) and releases everything.
  async leave() {
    if (this.state !== 'left' && this.live.status === 'online') {
      await this.live.request('media.leave', {}).catch(() => {});
    }
    this.hangUp('left');
  }

  // askAgain returns a declined guest to the waiting room.
  askAgain() {
    return this.join();
  }

  hangUp(state) {
    this.closePeers();
    this.stopScreen().catch(() => {});
    this.setState(state);
    if (state === 'left' || state === 'ended' || state === 'removed') {
      for (const off of this.offs) {
        off();
      }
      this.offs = [];
    }
  }

  fail(err) {
    if (err && err.code === 'conflict' && this.active()) {
      // "You are no longer in this video visit": start over.
      this.join().catch((e) => this.on.error(e.message));
      return;
    }
    this.on.error(err && err.message ? err.message : 'The video connection failed. Try leaving and joining again.');
  }

  setState(s) {
    if (s !== this.state) {
      this.state = s;
      this.on.state(s);
    }
  }

  // stats returns the down connection's statistics (for diagnostics).
  stats() {
    return this.down ? this.down.getStats() : Promise.resolve(new Map());
  }
}
