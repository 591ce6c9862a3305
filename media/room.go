package media

import (
	"log/slog"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// RoomOptions configure a room when it opens.
type RoomOptions struct {
	// WaitingRoom holds guests (RoleGuest) until a host admits them.
	WaitingRoom bool
	// OnClose, when set, receives the summary when the room closes by
	// itself: when idle (on its own goroutine) or at SFU.Close (before
	// Close returns). Room.Close returns the summary instead.
	OnClose func(RoomSummary)
}

// Room is one video visit on this node. Its methods are safe for concurrent
// use; after Close they return ErrRoomClosed.
type Room struct {
	id     string
	sfu    *SFU
	opts   RoomOptions
	log    *slog.Logger
	opened time.Time

	mu         sync.Mutex
	parts      map[string]*Participant
	order      []string // participant ids in join order
	waiting    map[string]SignalSink
	admitted   map[string]bool
	history    map[string]*ParticipantSummary
	closed     bool
	emptySince time.Time
	speaker    string

	done     chan struct{}
	loopDone chan struct{}
}

// newRoom opens a room and starts its loop.
func newRoom(s *SFU, id string, opts RoomOptions) *Room {
	r := &Room{
		id: id, sfu: s, opts: opts, log: s.log.With("room", id), opened: time.Now(),
		parts: map[string]*Participant{}, waiting: map[string]SignalSink{}, admitted: map[string]bool{},
		history: map[string]*ParticipantSummary{}, emptySince: time.Now(),
		done: make(chan struct{}), loopDone: make(chan struct{}),
	}
	go r.loop()
	return r
}

// ID returns the room id.
func (r *Room) ID() string { return r.id }

// Join adds a participant, or replaces the one with the same id (a
// reconnect: the old one leaves with reason "rejoined"). The new participant
// is subscribed to every track already published; the SFU offers its down
// connection through sink as soon as there is something to send. Errors:
// ErrRoomClosed, ErrRoomFull, ErrNotAdmitted (waiting room), ErrAtCapacity,
// or an invalid-input fault for a malformed id.
func (r *Room) Join(id string, role Role, sink SignalSink) (*Participant, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	if old := r.participant(id); old != nil {
		_ = r.remove(old, "rejoined")
	}
	r.mu.Lock()
	p, err := r.joinLocked(id, role, sink)
	var others []*Participant
	if err == nil {
		others = r.othersLocked(p)
	}
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	p.kick()
	for _, o := range others {
		o.send(FrameJoined, ParticipantEvent{Participant: id, Role: role})
	}
	p.log.Info("participant joined", "role", string(role))
	return p, nil
}

// joinLocked does Join's checks and wiring under r.mu.
func (r *Room) joinLocked(id string, role Role, sink SignalSink) (*Participant, error) {
	switch {
	case r.closed:
		return nil, ErrRoomClosed
	case r.parts[id] != nil:
		return nil, ErrRoomFull // a concurrent join with the same id won
	case len(r.parts) >= r.sfu.cfg.MaxParticipants:
		return nil, ErrRoomFull
	case r.opts.WaitingRoom && role != RoleHost && !r.admitted[id]:
		return nil, ErrNotAdmitted
	}
	if err := r.sfu.adm.join(len(r.parts)); err != nil {
		return nil, err
	}
	p, err := newParticipant(r, id, role, sink)
	if err != nil {
		r.sfu.adm.leave(len(r.parts) + 1)
		return nil, err
	}
	r.parts[id] = p
	r.order = append(r.order, id)
	delete(r.waiting, id)
	if h := r.history[id]; h != nil {
		h.Left = time.Time{}
	} else {
		r.history[id] = &ParticipantSummary{ID: id, Role: role, Joined: p.joined}
	}
	for _, o := range r.parts {
		if o == p {
			continue
		}
		for _, u := range o.ups {
			r.subscribeLocked(p, u)
		}
	}
	return p, nil
}

// subscribeLocked gives sub a down track of u. Callers hold r.mu and kick
// sub's negotiation afterwards.
func (r *Room) subscribeLocked(sub *Participant, u *upTrack) {
	d := newDownTrack(u, sub)
	sender, err := sub.down.AddTrack(d)
	if err != nil {
		sub.log.Debug("subscribe failed", "err", err)
		return
	}
	d.sender = sender
	u.addDown(d)
	sub.downs = append(sub.downs, d)
	sub.wg.Add(1)
	go d.readRTCP()
	if u.kind == webrtc.RTPCodecTypeVideo {
		if layer := r.initialLayer(sub, u); d.setTarget(layer) {
			u.requestKeyframe(layer)
		}
	}
}

// initialLayer picks a new video subscription's first layer: what the
// allocator would give it with sub's estimate shared over its video tracks.
func (r *Room) initialLayer(sub *Participant, u *upTrack) int {
	if sub.audioOnly.Load() {
		return -1
	}
	videos := 1
	for _, d := range sub.downs {
		if d.up.kind == webrtc.RTPCodecTypeVideo {
			videos++
		}
	}
	share := sub.estimate() / videos
	out := []int{0}
	allocate(share, []trackDemand{{rates: u.layerRates(), max: maxLayers - 1, current: -1}}, false, out)
	return max(out[0], 0)
}

// othersLocked lists the participants other than p.
func (r *Room) othersLocked(p *Participant) []*Participant {
	out := make([]*Participant, 0, len(r.parts))
	for _, o := range r.parts {
		if o != p {
			out = append(out, o)
		}
	}
	return out
}

// participant returns the participant with id, or nil.
func (r *Room) participant(id string) *Participant {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.parts[id]
}

// Participant returns the participant with id. Errors: ErrNoParticipant.
func (r *Room) Participant(id string) (*Participant, error) {
	if p := r.participant(id); p != nil {
		return p, nil
	}
	return nil, ErrNoParticipant
}

// Remove takes a participant out of the room (a host's media.remove): their
// tracks stop for everyone, they get media.removed and the others
// media.left. Errors: ErrNoParticipant, ErrRoomClosed.
func (r *Room) Remove(id string) error {
	p := r.participant(id)
	if p == nil {
		if r.isClosed() {
			return ErrRoomClosed
		}
		return ErrNoParticipant
	}
	return r.remove(p, "removed")
}

// remove detaches p and tears it down. It is idempotent: a participant that
// already left yields ErrNoParticipant.
func (r *Room) remove(p *Participant, reason string) error {
	r.mu.Lock()
	if r.parts[p.id] != p {
		r.mu.Unlock()
		return ErrNoParticipant
	}
	detached := r.detachLocked(p)
	others := r.othersLocked(p)
	r.mu.Unlock()
	r.teardown(p, detached)
	if reason == "removed" {
		p.send(FrameRemoved, ParticipantEvent{Participant: p.id, Reason: reason})
	}
	for _, o := range others {
		o.send(FrameLeft, ParticipantEvent{Participant: p.id, Role: p.role, Reason: reason})
	}
	p.log.Info("participant left", "reason", reason)
	return nil
}

// detachLocked removes p from the room's topology and returns the down
// tracks of p's publications that other subscribers must drop.
func (r *Room) detachLocked(p *Participant) []*downTrack {
	r.sfu.adm.leave(len(r.parts))
	delete(r.parts, p.id)
	for i, id := range r.order {
		if id == p.id {
			r.order = append(r.order[:i], r.order[i+1:]...)
			break
		}
	}
	if len(r.parts) == 0 {
		r.emptySince = time.Now()
	}
	p.left = true
	if h := r.history[p.id]; h != nil {
		h.Left = time.Now()
		p.qmu.Lock()
		h.addQuality(p.quality)
		p.quality = qualityLog{}
		p.qmu.Unlock()
	}
	var detached []*downTrack
	for _, u := range p.ups {
		detached = append(detached, detachTrackLocked(u)...)
	}
	for _, d := range p.downs {
		d.up.removeDown(d)
	}
	p.downs = nil
	return detached
}

// teardown closes p and removes its tracks from the other subscribers'
// connections, which then renegotiate.
func (r *Room) teardown(p *Participant, detached []*downTrack) {
	p.close()
	unsubscribe(detached)
}

// detachTrackLocked empties u's fan-out list and its subscribers' lists,
// returning the down tracks to unsubscribe. Callers hold the room lock.
func detachTrackLocked(u *upTrack) []*downTrack {
	detached := *u.downs.Load()
	for _, d := range detached {
		d.sub.downs = dropDown(d.sub.downs, d)
	}
	empty := []*downTrack{}
	u.downs.Store(&empty)
	return detached
}

// unsubscribe removes down tracks from their subscribers' connections and
// has each subscriber renegotiate once.
func unsubscribe(detached []*downTrack) {
	kicked := map[*Participant]bool{}
	for _, d := range detached {
		if err := d.sub.down.RemoveTrack(d.sender); err != nil {
			d.sub.log.Debug("remove track failed", "err", err) // the subscriber is closing
		}
		kicked[d.sub] = true
	}
	for sub := range kicked {
		sub.kick()
	}
}

// dropDown returns downs without d.
func dropDown(downs []*downTrack, d *downTrack) []*downTrack {
	for i, x := range downs {
		if x == d {
			return append(downs[:i], downs[i+1:]...)
		}
	}
	return downs
}

// isClosed reports whether Close has run.
func (r *Room) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}
