package media

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/pion/webrtc/v4"
)

const (
	// tickInterval paces the room loop: speaker detection every tick,
	// layer allocation every 2, quality and idleness every 8 (2 s).
	tickInterval = 250 * time.Millisecond
	// upgradeTicks: an upgrade (a higher layer, or leaving audio-only)
	// must be proposed by this many consecutive allocations (1 s) first.
	upgradeTicks = 2
)

// roomSnap is the topology the loop works on, copied under the room lock.
type roomSnap struct {
	parts []*Participant
	ups   map[*Participant][]*upTrack
	downs map[*Participant][]*downTrack
}

// loop is the room's one goroutine for periodic work; it stops when done
// closes.
func (r *Room) loop() {
	defer close(r.loopDone)
	t := time.NewTicker(tickInterval)
	defer t.Stop()
	var spk speakerState
	last := time.Now()
	for tick := 1; ; tick++ {
		var now time.Time
		select {
		case <-r.done:
			return
		case now = <-t.C:
		}
		snap := r.snapshot()
		r.tickSpeaker(snap, &spk)
		if tick%2 == 0 {
			measureRates(snap, now.Sub(last))
			last = now
			for _, p := range snap.parts {
				r.allocateFor(p, snap.downs[p], now)
			}
			hintLayers(snap)
		}
		if tick%8 == 0 {
			r.tickQuality(snap)
			if r.idleSince(now) > r.sfu.cfg.EmptyRoomTimeout {
				go r.closeAndReport("idle")
			}
		}
	}
}

// snapshot copies the participants and their tracks.
func (r *Room) snapshot() roomSnap {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := roomSnap{ups: map[*Participant][]*upTrack{}, downs: map[*Participant][]*downTrack{}}
	for _, id := range r.order {
		p := r.parts[id]
		s.parts = append(s.parts, p)
		for _, u := range p.ups {
			s.ups[p] = append(s.ups[p], u)
		}
		s.downs[p] = slices.Clone(p.downs)
	}
	return s
}

// tickSpeaker reads every unmuted microphone's loudness and announces a new
// active speaker to everyone.
func (r *Room) tickSpeaker(s roomSnap, spk *speakerState) {
	var levels []speakerLevel
	for _, p := range s.parts {
		for _, u := range s.ups[p] {
			if u.kind != webrtc.RTPCodecTypeAudio {
				continue
			}
			if lvl := u.meter.take(); !u.muted.Load() {
				levels = append(levels, speakerLevel{p.id, lvl})
			}
		}
	}
	if !spk.update(levels) {
		return
	}
	r.mu.Lock()
	r.speaker = spk.current
	r.mu.Unlock()
	for _, p := range s.parts {
		p.send(FrameSpeaker, SpeakerEvent{Participant: spk.current})
	}
}

// measureRates turns each layer's byte counter into a bit rate.
func measureRates(s roomSnap, elapsed time.Duration) {
	if elapsed <= 0 {
		return
	}
	for _, ups := range s.ups {
		for _, u := range ups {
			for i := range u.layers {
				l := u.layers[i].Load()
				if l == nil {
					continue
				}
				b := l.bytes.Load()
				rate := int64(float64(b-l.prevBytes) * 8 / elapsed.Seconds())
				l.prevBytes = b
				if old := l.rate.Load(); old > 0 && rate > 0 {
					rate = (old + rate) / 2
				}
				l.rate.Store(rate)
				if rate > 0 {
					l.known.Store(rate)
				}
			}
		}
	}
}

// layerRates is what allocate needs: each declared layer's bit rate, the
// last known one for a paused layer, 0 for a layer never received.
func (u *upTrack) layerRates() []int {
	rates := make([]int, u.layerCount())
	for i := range rates {
		if l := u.layers[i].Load(); l != nil {
			rate := l.rate.Load()
			if rate == 0 {
				rate = l.known.Load()
			}
			rates[i] = int(rate)
		}
	}
	return rates
}

// allocateFor chooses p's layers from its bandwidth estimate, less the
// audio it receives, and applies them: downgrades at once, upgrades after
// upgradeTicks agreeing ticks, and now and then a probing step up
// (probe.go).
func (r *Room) allocateFor(p *Participant, downs []*downTrack, now time.Time) {
	var videos []*downTrack
	audio := 0 // audio comes first: video gets what it leaves
	for _, d := range downs {
		if d.up.kind == webrtc.RTPCodecTypeVideo {
			videos = append(videos, d)
		} else if !d.up.muted.Load() {
			audio += d.up.layerRates()[0]
		}
	}
	if len(videos) == 0 {
		return
	}
	r.mu.Lock()
	speaker := r.speaker
	r.mu.Unlock()
	slices.SortStableFunc(videos, func(a, b *downTrack) int { return cmp.Compare(priority(a, speaker), priority(b, speaker)) })
	demands := make([]trackDemand, len(videos))
	for i, d := range videos {
		_, tgt := d.layers()
		demands[i] = trackDemand{rates: d.up.layerRates(), max: int(d.maxLayer.Load()), current: tgt}
	}
	out := make([]int, len(videos))
	was := p.audioOnly.Load()
	estimate := p.estimate() - audio
	audioOnly := allocate(estimate, demands, was, out)
	upgrade := was && !audioOnly
	for i := range out {
		upgrade = upgrade || out[i] > demands[i].current
	}
	switch {
	case !upgrade:
		p.upStreak = 0
	case p.upStreak+1 < upgradeTicks:
		p.upStreak++
		if was {
			audioOnly = true
		}
		for i := range out {
			if was || out[i] > demands[i].current {
				out[i] = demands[i].current
			}
		}
	default:
		p.upStreak = 0
	}
	audioOnly = p.probe.apply(now, estimate, demands, audioOnly, out)
	for i, d := range videos {
		if d.setTarget(out[i]) {
			d.up.requestKeyframe(out[i])
		}
	}
	if audioOnly != was {
		p.audioOnly.Store(audioOnly)
		p.log.Info("audio-only changed", "on", audioOnly)
		p.send(FrameAudioOnly, AudioOnlyEvent{On: audioOnly})
	}
}

// priority orders a subscriber's video tracks for allocation: screen
// shares first, then the speaker's camera, then the rest.
func priority(d *downTrack, speaker string) int {
	switch {
	case d.up.source == SourceScreen:
		return 0
	case d.up.owner.id == speaker:
		return 1
	}
	return 2
}

// hintLayers tells each simulcast publisher which layers are in use, when
// that changes.
func hintLayers(s roomSnap) {
	for p, ups := range s.ups {
		for _, u := range ups {
			if u.rids == nil {
				continue
			}
			var used [maxLayers]bool
			for _, d := range *u.downs.Load() {
				cur, tgt := d.layers()
				for _, l := range []int{cur, tgt} {
					if l >= 0 && l < maxLayers {
						used[l] = true
					}
				}
			}
			active := []string{}
			for i, rid := range u.rids {
				if used[i] {
					active = append(active, rid)
				}
			}
			if hint := strings.Join(active, ","); hint != u.hint {
				u.hint = hint
				p.send(FrameLayers, LayersHint{Source: u.source, Active: active})
			}
		}
	}
}

// idleSince is how long the room has been empty (0 if it is not).
func (r *Room) idleSince(now time.Time) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.parts) > 0 {
		return 0
	}
	return now.Sub(r.emptySince)
}
