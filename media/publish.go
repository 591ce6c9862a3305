package media

import "github.com/pion/webrtc/v4"

// onTrack runs on the goroutine Pion starts for each received stream (each
// simulcast layer separately). It registers the layer, subscribes everyone
// else to a new track, and then becomes the layer's reader until the track
// ends.
func (p *Participant) onTrack(tr *webrtc.TrackRemote, rc *webrtc.RTPReceiver) {
	r := p.room
	r.mu.Lock()
	if p.left {
		r.mu.Unlock()
		return
	}
	u, known := p.ups[rc]
	if !known {
		u = newUpTrack(p, tr, rc, p.sourceLocked(rc, tr.Kind()))
		u.muted.Store(p.muted && u.kind == webrtc.RTPCodecTypeAudio)
		p.ups[rc] = u
	}
	idx := u.layerIndex(tr.RID())
	if idx < 0 {
		r.mu.Unlock()
		return
	}
	l := &upLayer{idx: idx, rid: tr.RID(), track: tr, ssrc: uint32(tr.SSRC())}
	u.layers[idx].Store(l)
	var subs []*Participant
	if !known {
		for _, o := range r.othersLocked(p) {
			r.subscribeLocked(o, u)
			subs = append(subs, o)
		}
	}
	p.wg.Add(2)
	r.mu.Unlock()
	defer p.wg.Done()
	for _, o := range subs {
		o.kick()
	}
	if !known {
		p.log.Debug("track published", "kind", u.kind.String(), "source", u.source, "layers", u.layerCount())
	}
	go func() {
		defer p.wg.Done()
		u.drainRTCP(l)
	}()
	u.run(l)
	r.endLayer(p, rc, u, idx)
}

// endLayer forgets a layer whose stream ended; when a track has no layer
// left (the client stopped it, e.g. ended a screen share) its subscribers'
// down tracks are removed and they renegotiate.
func (r *Room) endLayer(p *Participant, rc *webrtc.RTPReceiver, u *upTrack, idx int) {
	r.mu.Lock()
	u.layers[idx].Store(nil)
	if p.left || p.ups[rc] != u {
		r.mu.Unlock()
		return
	}
	for i := range u.layers {
		if u.layers[i].Load() != nil {
			r.mu.Unlock()
			return
		}
	}
	delete(p.ups, rc)
	detached := detachTrackLocked(u)
	r.mu.Unlock()
	unsubscribe(detached)
	p.log.Debug("track ended", "source", u.source)
}

// sourceLocked names a new track: the client's label for its mid, else mic
// for audio, camera for the first video and screen for the next.
func (p *Participant) sourceLocked(rc *webrtc.RTPReceiver, kind webrtc.RTPCodecType) string {
	if t := rc.RTPTransceiver(); t != nil {
		if src, ok := p.sources[t.Mid()]; ok {
			return src
		}
	}
	if kind == webrtc.RTPCodecTypeAudio {
		return SourceMic
	}
	for _, u := range p.ups {
		if u.source == SourceCamera {
			return SourceScreen
		}
	}
	return SourceCamera
}
