package media

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"haven/signaling"
)

// connKey identifies a signaling connection; a connection is in at most
// one session at a time.
type connKey = *signaling.Conn

// liveSession is a session whose room is open on this node.
type liveSession struct {
	rec  record
	room *Room
	// Guarded by Sessions.mu.
	members  map[string]*member // by participant id
	admitted map[string]bool    // guests a host let in
	closed   bool
}

// member is one person's presence in a live session: waiting, or in the
// room with a Participant. Its sink follows the person's current
// connection, so a reconnect re-binds it without rejoining.
type member struct {
	ls   *liveSession
	pid  string
	role Role
	sink *memberSink
	// Guarded by Sessions.mu.
	conn      connKey
	part      *Participant // nil while waiting
	waiting   bool
	waitSince time.Time
	grace     *time.Timer
}

// memberSink is a member's SignalSink: it pushes each frame to the
// member's current connection without blocking. A durable frame that finds
// the connection's queue full closes it (the client reconnects and
// resumes); frames sent while no connection is bound are dropped (a
// resuming client gets a fresh down offer from the ICE restart).
type memberSink struct {
	mu   sync.Mutex
	conn connKey
}

// bind points the sink at c (nil unbinds).
func (k *memberSink) bind(c connKey) {
	k.mu.Lock()
	k.conn = c
	k.mu.Unlock()
}

// Signal implements SignalSink.
func (k *memberSink) Signal(f Frame) {
	k.mu.Lock()
	c := k.conn
	k.mu.Unlock()
	if c == nil {
		return
	}
	ev := signaling.Event{Type: f.Type, Durable: durableFrame(f.Type)}
	if f.Data != nil {
		data, err := json.Marshal(f.Data)
		if err != nil {
			return // the package's own event types always encode
		}
		ev.Data = data
	}
	_ = c.Push(ev) // ErrClosed: the connection is gone; the grace period decides
}

// durableFrame reports whether a frame type must not be dropped.
func durableFrame(t string) bool {
	switch t {
	case FrameSpeaker, FrameQuality, FrameLayers:
		return false
	}
	return true
}

// liveFor returns the live session of rec, opening its room when needed.
// With several nodes the room is opened only after this node claimed the
// session (relay.claim); when another node holds it, the error is an
// *ownedElsewhere naming that node.
func (s *Sessions) liveFor(ctx context.Context, rec record) (*liveSession, error) {
	s.mu.Lock()
	if ls := s.live[rec.id]; ls != nil && !ls.closed {
		s.mu.Unlock()
		return ls, nil
	}
	s.mu.Unlock()
	if s.relay != nil {
		owner, err := s.relay.claim(ctx, rec.id)
		if err != nil {
			return nil, err
		}
		if owner != s.relay.node {
			return nil, &ownedElsewhere{node: owner}
		}
	}
	s.mu.Lock()
	if ls := s.live[rec.id]; ls != nil && !ls.closed {
		s.mu.Unlock()
		return ls, nil // opened by a racing join while claiming
	}
	ls := &liveSession{rec: rec, members: map[string]*member{}, admitted: map[string]bool{}}
	room, err := s.sfu.OpenRoom(rec.id, RoomOptions{WaitingRoom: true, OnClose: func(sum RoomSummary) {
		s.finish(ls, sum)
	}})
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	ls.room = room
	s.live[rec.id] = ls
	s.mu.Unlock()
	mctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.pool.Exec(mctx, sqlMarkOpened, rec.id, s.now()); err != nil {
		s.log.Warn("mark session opened", "session", rec.id, "err", err)
	}
	return ls, nil
}

// finish forgets a live session whose room closed and stores its summary;
// waiting guests get media.ended and, with several nodes, the node's claim
// on the session is released. A room closed by SFU.Close (shutdown)
// leaves the session open for a rejoin after the restart.
func (s *Sessions) finish(ls *liveSession, sum RoomSummary) {
	s.mu.Lock()
	if s.live[ls.rec.id] == ls {
		delete(s.live, ls.rec.id)
	}
	reopened := s.live[ls.rec.id] != nil
	ls.closed = true
	var waiting []*member
	for _, m := range ls.members {
		if m.waiting {
			waiting = append(waiting, m)
		}
		s.dropLocked(m)
	}
	s.mu.Unlock()
	for _, m := range waiting {
		m.sink.Signal(Frame{Type: FrameEnded, Data: EndedEvent{Reason: sum.Reason}})
	}
	if s.relay != nil && !reopened {
		s.relay.release(ls.rec.id)
	}
	reason := sum.Reason
	if reason == "shutdown" {
		reason = ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.store(ctx, sum, reason); err != nil {
		s.log.Error("store session summary", "session", ls.rec.id, "err", err)
		return
	}
	s.log.Info("session closed", "session", ls.rec.id, "reason", sum.Reason, "participants", len(sum.Participants))
}

// dropLocked removes m from its session and unbinds its connection.
// Callers hold s.mu.
func (s *Sessions) dropLocked(m *member) {
	if m.ls.members[m.pid] == m {
		delete(m.ls.members, m.pid)
	}
	if m.grace != nil {
		m.grace.Stop()
		m.grace = nil
	}
	if m.conn != nil && s.conns[m.conn] == m {
		delete(s.conns, m.conn)
	}
}

// memberOf returns the member c is bound to, or nil.
func (s *Sessions) memberOf(c connKey) *member {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[c]
}

// waitingListLocked lists the waiting guests in arrival order and the
// sinks of the session's hosts. Callers hold s.mu.
func waitingListLocked(ls *liveSession) (WaitingList, []*memberSink) {
	var waiting []*member
	var hosts []*memberSink
	for _, m := range ls.members {
		switch {
		case m.waiting:
			waiting = append(waiting, m)
		case m.role == RoleHost:
			hosts = append(hosts, m.sink)
		}
	}
	slices.SortFunc(waiting, func(a, b *member) int { return a.waitSince.Compare(b.waitSince) })
	wl := WaitingList{Waiting: make([]string, 0, len(waiting))}
	for _, m := range waiting {
		wl.Waiting = append(wl.Waiting, m.pid)
	}
	return wl, hosts
}

// tellHosts sends the session's waiting list to its hosts.
func (s *Sessions) tellHosts(ls *liveSession) {
	s.mu.Lock()
	wl, hosts := waitingListLocked(ls)
	s.mu.Unlock()
	for _, h := range hosts {
		h.Signal(Frame{Type: FrameWaitingList, Data: wl})
	}
}
