package signaling

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// WatchPresence makes the watcher's connections on this node receive
// "presence" events for each target: at once the target's current state,
// then every change, until UnwatchPresence or until the watcher's last local
// connection closes (the watch is forgotten then, so a package re-establishes
// it from a hello hook). Deciding who may watch whom is the caller's job
// (care team, conversation membership); the hub does not check it. Watching
// a user without local connections is a no-op. The error is a store failure
// reading the initial states; the watch is kept.
func (h *Hub) WatchPresence(ctx context.Context, watcher int64, targets ...int64) error {
	p := &h.pres
	p.mu.Lock()
	h.mu.RLock()
	_, local := h.users[watcher]
	h.mu.RUnlock()
	if !local {
		p.mu.Unlock()
		return nil
	}
	var added, first []int64
	for _, t := range targets {
		w := p.watching[watcher]
		if _, ok := w[t]; ok {
			continue
		}
		if w == nil {
			w = make(map[int64]struct{})
			p.watching[watcher] = w
		}
		w[t] = struct{}{}
		ws := p.watchers[t]
		if ws == nil {
			ws = make(map[int64]struct{})
			p.watchers[t] = ws
			first = append(first, t)
		}
		ws[watcher] = struct{}{}
		added = append(added, t)
	}
	p.mu.Unlock()
	for _, t := range first {
		if err := h.broker.Subscribe(ctx, presenceTopic(t)); err != nil {
			h.log.Warn("signaling: presence subscribe pending", "user", t, "err", err)
		}
	}
	if len(added) == 0 {
		return nil
	}
	ps, err := h.store.Get(ctx, added)
	if err != nil {
		return fmt.Errorf("signaling: watch presence: %w", err)
	}
	for _, t := range added {
		if !h.applyPresence(t, ps[t], true) {
			p.mu.Lock()
			h.deliverTo(watcher, presenceEvent(t, p.cache[t].State))
			p.mu.Unlock()
		}
	}
	return nil
}

// UnwatchPresence ends the watcher's watch of each target on this node.
func (h *Hub) UnwatchPresence(watcher int64, targets ...int64) {
	p := &h.pres
	var last []int64
	p.mu.Lock()
	for _, t := range targets {
		w := p.watching[watcher]
		if _, ok := w[t]; !ok {
			continue
		}
		delete(w, t)
		if len(w) == 0 {
			delete(p.watching, watcher)
		}
		ws := p.watchers[t]
		delete(ws, watcher)
		if len(ws) == 0 {
			delete(p.watchers, t)
			delete(p.cache, t)
			last = append(last, t)
		}
	}
	p.mu.Unlock()
	for _, t := range last {
		_ = h.broker.Unsubscribe(presenceTopic(t))
	}
}

// unwatchAll forgets every watch of a user who left this node.
func (h *Hub) unwatchAll(watcher int64) {
	h.pres.mu.Lock()
	targets := slices.Collect(maps.Keys(h.pres.watching[watcher]))
	h.pres.mu.Unlock()
	h.UnwatchPresence(watcher, targets...)
}
