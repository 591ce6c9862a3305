package media

import (
	"math"

	"github.com/pion/webrtc/v4"
)

// tickQuality scores every participant's connection from the last period's
// measurements and sends media.quality to the participant and the hosts
// when a score changes.
func (r *Room) tickQuality(s roomSnap) {
	r.mu.Lock()
	hosts := r.hostsLocked()
	r.mu.Unlock()
	for _, p := range s.parts {
		down := p.rr.take()
		if down.valid && down.rttMs == 0 {
			down.rttMs = iceRTT(p.down)
		}
		sample := down.worse(upSample(p, s.ups[p]))
		if !sample.valid {
			continue
		}
		score := qualityScore(sample.lossPct, sample.jitterMs, sample.rttMs)
		p.qmu.Lock()
		p.quality.record(score)
		p.qmu.Unlock()
		if score == p.lastScore {
			continue
		}
		p.lastScore = score
		ev := QualityEvent{
			Participant: p.id, Score: score, LossPct: round1(sample.lossPct),
			JitterMs: round1(sample.jitterMs), RTTMs: round1(sample.rttMs),
		}
		p.send(FrameQuality, ev)
		for _, h := range hosts {
			if h != p {
				h.send(FrameQuality, ev)
			}
		}
	}
}

// upSample measures what the SFU receives from p: loss from sequence
// numbers (after NACK recovery) over the period, and the ICE round trip.
func upSample(p *Participant, ups []*upTrack) netSample {
	var expected, received uint64
	for _, u := range ups {
		for i := range u.layers {
			l := u.layers[i].Load()
			if l == nil {
				continue
			}
			hi, n := l.highest.Load(), l.packets.Load()
			if l.prevHighest != 0 && hi > l.prevHighest {
				expected += hi - l.prevHighest
				received += n - l.prevPackets
			}
			l.prevHighest, l.prevPackets = hi, n
		}
	}
	if expected == 0 {
		return netSample{}
	}
	loss := 100 * (1 - float64(received)/float64(expected))
	return netSample{lossPct: math.Max(0, loss), rttMs: iceRTT(p.up), valid: true}
}

// iceRTT is a connection's current ICE round-trip time in ms, 0 if unknown.
func iceRTT(pc *webrtc.PeerConnection) float64 {
	sctp := pc.SCTP()
	if sctp == nil || sctp.Transport() == nil {
		return 0
	}
	st, ok := sctp.Transport().ICETransport().GetSelectedCandidatePairStats()
	if !ok {
		return 0
	}
	return st.CurrentRoundTripTime * 1000
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
