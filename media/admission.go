package media

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// roomCost is the admission model: a room of n participants, each sending
// audio and video, is 2n streams in and 2n(n-1) out: 2n² forwarded streams.
// Screen shares are not reserved; they ride on the headroom below the budget.
func roomCost(n int) int { return 2 * n * n }

// admission reserves forwarding budget for joins, so that a node near
// capacity refuses new participants instead of degrading every visit.
type admission struct {
	maxStreams int
	maxRate    int           // forwarded packets/s; 0 disables the measured check
	rate       *atomic.Int64 // measured forwarded packets/s, set by the SFU monitor

	mu   sync.Mutex
	used int
}

// join reserves the cost of a room growing from n to n+1 participants, or
// returns ErrAtCapacity and reserves nothing.
func (a *admission) join(n int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	delta := roomCost(n+1) - roomCost(n)
	if a.used+delta > a.maxStreams {
		return ErrAtCapacity
	}
	if a.maxRate > 0 && float64(a.rate.Load()) > 0.9*float64(a.maxRate) {
		return ErrAtCapacity
	}
	a.used += delta
	return nil
}

// leave releases the cost of a room shrinking from n to n-1 participants.
func (a *admission) leave(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.used -= roomCost(n) - roomCost(n-1)
}

// streams returns the reserved stream count.
func (a *admission) streams() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.used
}

// rateMeter turns a growing counter into a per-second rate.
type rateMeter struct {
	last  uint64
	since time.Time
}

// sample returns the rate of counter since the previous sample.
func (m *rateMeter) sample(counter uint64, now time.Time) float64 {
	defer func() { m.last, m.since = counter, now }()
	if m.since.IsZero() {
		return 0
	}
	d := now.Sub(m.since).Seconds()
	if d <= 0 {
		return 0
	}
	return math.Round(float64(counter-m.last) / d)
}
