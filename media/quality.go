package media

import (
	"math"
	"sync"
)

// qualityScore maps network measurements to a 1–5 connection quality score
// (5 excellent, 1 unusable): each of loss, round-trip time and jitter costs
// points by band, and the worst of them decides.
func qualityScore(lossPct, jitterMs, rttMs float64) int {
	pen := max(band(lossPct, 1, 3, 8, 15), band(rttMs, 250, 400, 700, 1200), band(jitterMs, 30, 50, 100, 200))
	return 5 - pen
}

// band returns 0 for v below t[0], 1 below t[1], … and len(t) above all.
func band(v float64, t ...float64) int {
	for i, limit := range t {
		if v < limit {
			return i
		}
	}
	return len(t)
}

// netSample is one set of measurements of a connection direction.
type netSample struct {
	lossPct, jitterMs, rttMs float64
	valid                    bool
}

// worse combines two directions: the worse value of each measurement.
func (a netSample) worse(b netSample) netSample {
	if !a.valid {
		return b
	}
	if !b.valid {
		return a
	}
	return netSample{math.Max(a.lossPct, b.lossPct), math.Max(a.jitterMs, b.jitterMs), math.Max(a.rttMs, b.rttMs), true}
}

// rrStats accumulates what a subscriber's receiver reports say about the
// streams the SFU sends it, between two quality ticks.
type rrStats struct {
	mu      sync.Mutex
	lossSum float64 // fraction-lost sums, in percent
	jitSum  float64 // jitter sums, in ms
	rttSum  float64 // round-trip sums, in ms
	n, nRTT int
}

// add records one report block: fraction lost (of 256), jitter in ms and an
// RTT in ms (negative when the report carried none).
func (s *rrStats) add(fractionLost uint8, jitterMs, rttMs float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lossSum += float64(fractionLost) * 100 / 256
	s.jitSum += jitterMs
	s.n++
	if rttMs >= 0 {
		s.rttSum += rttMs
		s.nRTT++
	}
}

// take returns the averages since the last take and resets.
func (s *rrStats) take() netSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		return netSample{}
	}
	out := netSample{lossPct: s.lossSum / float64(s.n), jitterMs: s.jitSum / float64(s.n), valid: true}
	if s.nRTT > 0 {
		out.rttMs = s.rttSum / float64(s.nRTT)
	}
	s.lossSum, s.jitSum, s.rttSum, s.n, s.nRTT = 0, 0, 0, 0, 0
	return out
}

// qualityLog is a participant's score history for the room summary.
type qualityLog struct {
	sum, n, min, last int
}

// record adds one score.
func (q *qualityLog) record(score int) {
	if q.n == 0 || score < q.min {
		q.min = score
	}
	q.sum += score
	q.n++
	q.last = score
}
