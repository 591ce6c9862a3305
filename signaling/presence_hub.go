package signaling

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// presenceIO bounds each presence store call made by the presence goroutine.
const presenceIO = 3 * time.Second

// presence is the hub's presence state. Lock order: presence.mu, then
// Hub.mu, then a connSet's, then a Conn's; presence.mu is held while
// presence events are queued, so watchers see changes in version order.
type presence struct {
	mu        sync.Mutex
	watchers  map[int64]map[int64]struct{} // target → local watchers
	watching  map[int64]map[int64]struct{} // watcher → targets
	cache     map[int64]Presence           // last known presence of watched targets
	dirty     map[int64]struct{}           // local users whose state may have changed
	resnap    map[int64]struct{}           // targets to read again (after a gap)
	resnapAll bool
	wake      chan struct{}

	written map[int64]PresenceState // this node's entries in the store; presence goroutine only
}

func (p *presence) init() {
	p.watchers = make(map[int64]map[int64]struct{})
	p.watching = make(map[int64]map[int64]struct{})
	p.cache = make(map[int64]Presence)
	p.dirty = make(map[int64]struct{})
	p.resnap = make(map[int64]struct{})
	p.wake = make(chan struct{}, 1)
	p.written = make(map[int64]PresenceState)
}

func (p *presence) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// markPresence schedules the user's local state to be written to the store.
func (h *Hub) markPresence(userID int64) {
	h.pres.mu.Lock()
	h.pres.dirty[userID] = struct{}{}
	h.pres.mu.Unlock()
	h.pres.signal()
}

// resnapshotPresence schedules watched targets (nil: all) to be read again.
func (h *Hub) resnapshotPresence(targets []int64) {
	h.pres.mu.Lock()
	if targets == nil {
		h.pres.resnapAll = true
	}
	for _, t := range targets {
		h.pres.resnap[t] = struct{}{}
	}
	h.pres.mu.Unlock()
	h.pres.signal()
}

// Presence returns the presence of each user across all nodes.
func (h *Hub) Presence(ctx context.Context, userIDs []int64) (map[int64]PresenceState, error) {
	ps, err := h.store.Get(ctx, userIDs)
	if err != nil {
		return nil, fmt.Errorf("signaling: presence: %w", err)
	}
	out := make(map[int64]PresenceState, len(ps))
	for id, p := range ps {
		out[id] = p.State
	}
	return out, nil
}

// localState is the user's state from this node's connections.
func (h *Hub) localState(userID int64) PresenceState {
	h.mu.RLock()
	s := h.users[userID]
	h.mu.RUnlock()
	st := Offline
	for _, c := range s.snapshot() {
		c.mu.Lock()
		switch {
		case c.closing:
		case c.away:
			st = max(st, Away)
		default:
			st = Online
		}
		c.mu.Unlock()
	}
	return st
}

// servePresenceSet records a connection's away/online state.
func (c *Conn) servePresenceSet(f Frame) {
	st, err := DecodePresenceSet(f.Data)
	ctx, cancel := context.WithTimeout(c.ctx, c.hub.opts.HandlerTimeout)
	defer cancel()
	if err != nil {
		c.answerError(ctx, f, err)
		return
	}
	c.mu.Lock()
	c.away = st == Away
	c.mu.Unlock()
	c.hub.markPresence(c.ident.UserID)
	if f.ID != "" {
		_ = c.sendFrame(ctx, encodeFrame("presence.set.ok", f.ID, nil))
	}
}

// presenceLoop writes local changes, refreshes this node's entries and
// re-reads watched users, until the hub stops.
func (h *Hub) presenceLoop() {
	defer h.bg.Done()
	t := time.NewTicker(h.opts.PresenceRefresh)
	defer t.Stop()
	for {
		select {
		case <-h.pres.wake:
			h.flushPresence()
		case <-t.C:
			h.flushPresence()
			h.refreshPresence()
			h.sweepPresence()
		case <-h.stop:
			h.flushPresence()
			return
		}
	}
}

// flushPresence writes the changed local states and publishes the results,
// then reads again the targets a gap asked for.
func (h *Hub) flushPresence() {
	p := &h.pres
	p.mu.Lock()
	dirty, resnap, all := p.dirty, p.resnap, p.resnapAll
	p.dirty, p.resnap, p.resnapAll = make(map[int64]struct{}), make(map[int64]struct{}), false
	p.mu.Unlock()
	for uid := range dirty {
		st := h.localState(uid)
		if st == p.written[uid] {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), presenceIO)
		pr, err := h.store.Set(ctx, h.node, uid, st)
		cancel()
		if err != nil {
			h.log.Warn("signaling: presence write failed", "user", uid, "err", err)
			p.mu.Lock()
			p.dirty[uid] = struct{}{} // retried at the next refresh
			p.mu.Unlock()
			continue
		}
		if st == Offline {
			delete(p.written, uid)
		} else {
			p.written[uid] = st
		}
		h.applyPresence(uid, pr, false)
		if err := h.broker.Publish(presenceTopic(uid), encodePresencePayload(pr)); err != nil {
			h.log.Debug("signaling: presence publish failed", "user", uid, "err", err)
		}
	}
	if all {
		p.mu.Lock()
		for t := range p.watchers {
			resnap[t] = struct{}{}
		}
		p.mu.Unlock()
	}
	h.readPresence(slices.Collect(maps.Keys(resnap)))
}

// refreshPresence extends the life of this node's entries in the store.
func (h *Hub) refreshPresence() {
	if len(h.pres.written) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), presenceIO)
	defer cancel()
	if err := h.store.Refresh(ctx, h.node, h.pres.written); err != nil {
		h.log.Warn("signaling: presence refresh failed", "err", err)
	}
}

// sweepPresence reads again the watched users not known offline, so that
// entries of a node that died without writing them off lapse for watchers.
func (h *Hub) sweepPresence() {
	p := &h.pres
	p.mu.Lock()
	var targets []int64
	for t, pr := range p.cache {
		if pr.State != Offline {
			targets = append(targets, t)
		}
	}
	p.mu.Unlock()
	h.readPresence(targets)
}

// readPresence reads targets from the store and applies what changed.
func (h *Hub) readPresence(targets []int64) {
	if len(targets) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), presenceIO)
	defer cancel()
	ps, err := h.store.Get(ctx, targets)
	if err != nil {
		h.log.Warn("signaling: presence read failed", "err", err)
		return
	}
	for id, pr := range ps {
		h.applyPresence(id, pr, true)
	}
}

// applyPresence records a target's presence and, when its state changed,
// sends a presence event to its local watchers. A publication applies when
// newer than what is known; a read (fromRead) also when equally new but
// different (an entry lapsed). It reports whether it sent events.
func (h *Hub) applyPresence(target int64, pr Presence, fromRead bool) bool {
	p := &h.pres
	p.mu.Lock()
	ws := p.watchers[target]
	if len(ws) == 0 {
		p.mu.Unlock()
		return false
	}
	cur, known := p.cache[target]
	if known && (pr.Version < cur.Version || pr.Version == cur.Version && (!fromRead || pr.State == cur.State)) {
		p.mu.Unlock()
		return false
	}
	p.cache[target] = pr
	if known && pr.State == cur.State {
		p.mu.Unlock()
		return false
	}
	// Delivered under p.mu, so that watchers see changes in version order.
	defer p.mu.Unlock()
	ev := presenceEvent(target, pr.State)
	for w := range ws {
		h.deliverTo(w, ev)
	}
	return true
}

// deliverTo queues ev on the local connections of a user.
func (h *Hub) deliverTo(userID int64, ev Event) {
	h.mu.RLock()
	s := h.users[userID]
	h.mu.RUnlock()
	h.deliver(context.Background(), s, ev)
}
