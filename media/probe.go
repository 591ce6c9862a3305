package media

import "time"

// Probing: a send-side estimate only grows with what is sent — Pion's GCC
// caps its target near 1.5× the received rate once it has converged — so a
// subscriber held at a low layer, or at audio only, would stay there after
// the network recovered. Every so often the allocator therefore tries one
// step up (video back, or one track one layer up) for probeLength. The
// trial sticks as soon as the estimate carries it by the normal rules; it
// ends at once if the estimate falls (the network pushed back) and otherwise
// when probeLength runs out. Failed trials back off exponentially.
const (
	probeMin    = 4 * time.Second
	probeMax    = 60 * time.Second
	probeLength = 6 * time.Second
)

// probeState is one subscriber's probing, owned by the room loop.
type probeState struct {
	next, until time.Time
	backoff     time.Duration
	out         []int // the trial's layers
	audioOnly   bool  // the trial's audio-only flag (always false today)
	rank        int
	lastRank    int
	startEst    int // the estimate when the trial began
}

// rank orders allocations: audio-only lowest, then by total layers.
func rank(audioOnly bool, out []int) int {
	if audioOnly {
		return 0
	}
	r := 1
	for _, l := range out {
		r += l + 1
	}
	return r
}

// apply takes the normal allocation (audioOnly, out) for estimate and
// returns the one to use, replacing out in place during a trial.
func (ps *probeState) apply(now time.Time, estimate int, demands []trackDemand, audioOnly bool, out []int) bool {
	if ps.backoff == 0 {
		ps.backoff, ps.next = probeMin, now.Add(probeMin)
	}
	normal := rank(audioOnly, out)
	defer func() { ps.lastRank = normal }()
	if !ps.until.IsZero() {
		switch {
		case normal >= ps.rank: // the estimate carries the trial now
			ps.until, ps.backoff, ps.next = time.Time{}, probeMin, now.Add(probeMin)
			return audioOnly
		case estimate < ps.startEst*9/10 || !now.Before(ps.until): // pushed back, or no growth
			ps.until, ps.backoff = time.Time{}, min(2*ps.backoff, probeMax)
			ps.next = now.Add(ps.backoff)
			return audioOnly
		}
		copy(out, ps.out)
		return ps.audioOnly
	}
	if normal < ps.lastRank { // the estimate fell: no trial for a while
		ps.next = now.Add(ps.backoff)
	}
	if now.Before(ps.next) {
		return audioOnly
	}
	trial, ok := stepUp(demands, audioOnly, out)
	if !ok {
		ps.next = now.Add(ps.backoff)
		return audioOnly
	}
	ps.out, ps.audioOnly, ps.rank, ps.until, ps.startEst = trial, false, rank(false, trial), now.Add(probeLength), estimate
	copy(out, trial)
	return false
}

// stepUp is the allocation one step above (audioOnly, out): video back at
// the lowest layers, or the first track that can go one layer up.
func stepUp(demands []trackDemand, audioOnly bool, out []int) ([]int, bool) {
	trial := make([]int, len(out))
	if audioOnly {
		any := false
		for i, d := range demands {
			trial[i] = lowestLayer(d)
			any = any || trial[i] >= 0
		}
		return trial, any
	}
	copy(trial, out)
	for i, d := range demands {
		if out[i] < 0 {
			continue
		}
		if next := nextLayer(d, out[i]); next >= 0 {
			trial[i] = next
			return trial, true
		}
	}
	return nil, false
}
