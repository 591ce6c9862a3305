package media

import "sync/atomic"

const (
	// silenceLevel: audio-level values (RFC 6464, -dBov) at or above it are
	// silence.
	silenceLevel = 60
	// minLoudness: a smoothed loudness below it never makes a speaker.
	minLoudness = 4.0
	// speakerStreak: a new loudest participant becomes the speaker after
	// this many consecutive ticks.
	speakerStreak = 2
)

// levelMeter accumulates the audio-level header extension of one audio track
// from its reader goroutine, lock-free.
type levelMeter struct {
	sum, n atomic.Uint64
}

// add records one packet's level byte (V bit and 7-bit -dBov level).
func (m *levelMeter) add(ext byte) {
	if lvl := ext & 0x7f; lvl < silenceLevel {
		m.sum.Add(uint64(silenceLevel - lvl))
	}
	m.n.Add(1)
}

// take returns the mean loudness (0 silent … 60 loudest) since the last take.
func (m *levelMeter) take() float64 {
	s, n := m.sum.Swap(0), m.n.Swap(0)
	if n == 0 {
		return 0
	}
	return float64(s) / float64(n)
}

// speakerLevel is one participant's loudness in a tick.
type speakerLevel struct {
	id    string
	level float64
}

// speakerState picks the active speaker from successive ticks of loudness,
// with smoothing and a streak requirement so the choice does not flicker.
type speakerState struct {
	current, candidate string
	streak             int
	smoothed           map[string]float64
}

// update feeds one tick and reports whether the speaker changed. A
// participant missing from levels is treated as silent and forgotten.
func (s *speakerState) update(levels []speakerLevel) bool {
	next := make(map[string]float64, len(levels))
	loudest, best := "", minLoudness
	for _, l := range levels {
		v := 0.6*s.smoothed[l.id] + 0.4*l.level
		next[l.id] = v
		if v >= best && (v > best || loudest == "" || l.id < loudest) {
			loudest, best = l.id, v
		}
	}
	s.smoothed = next
	if loudest == "" || loudest == s.current {
		s.candidate, s.streak = "", 0
		return false
	}
	if cur, ok := next[s.current]; ok && best < cur*1.2 {
		s.candidate, s.streak = "", 0
		return false
	}
	if s.candidate == loudest {
		s.streak++
	} else {
		s.candidate, s.streak = loudest, 1
	}
	if s.streak < speakerStreak {
		return false
	}
	s.current, s.candidate, s.streak = loudest, "", 0
	return true
}
