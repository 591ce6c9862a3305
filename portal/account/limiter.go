package account

import (
	"context"
	"net/netip"
	"sync"
	"time"
)

// MemoryLimiter is a Limiter for one node: a fixed window per key, kept in
// memory. Keys whose window has passed are pruned as the map grows.
type MemoryLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	windows map[string]*limitWindow
}

type limitWindow struct {
	start time.Time
	count int
}

// maxLimiterKeys bounds memory: past it, expired windows are pruned.
const maxLimiterKeys = 10000

// NewMemoryLimiter allows max attempts per key per window, reading time
// from now (time.Now when nil).
func NewMemoryLimiter(max int, window time.Duration, now func() time.Time) *MemoryLimiter {
	if now == nil {
		now = time.Now
	}
	return &MemoryLimiter{max: max, window: window, now: now, windows: make(map[string]*limitWindow)}
}

// Allow counts one attempt for key. It never fails.
func (l *MemoryLimiter) Allow(_ context.Context, key string) (bool, time.Duration, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= l.window {
		if w == nil && len(l.windows) >= maxLimiterKeys {
			l.prune(now)
		}
		w = &limitWindow{start: now}
		l.windows[key] = w
	}
	if w.count >= l.max {
		return false, w.start.Add(l.window).Sub(now), nil
	}
	w.count++
	return true, 0, nil
}

// prune drops windows that have passed. Called with mu held.
func (l *MemoryLimiter) prune(now time.Time) {
	for k, w := range l.windows {
		if now.Sub(w.start) >= l.window {
			delete(l.windows, k)
		}
	}
}

// addrKey is the limiter key for a client address: IPv4 addresses as they
// are, IPv6 addresses by their /64 (one subscriber's usual allocation), and
// anything unparsable as its clipped text.
func addrKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "addr:" + clip(ip, 64)
	}
	a = a.WithZone("").Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "addr:" + p.String()
	}
	return "addr:" + a.String()
}
