package media

import (
	"context"
	"time"

	"haven/portal/account"
	"haven/signaling"
)

// Hub is what RegisterHandlers needs of the signaling hub;
// *signaling.Hub satisfies it.
type Hub interface {
	Router() *signaling.Router
	OnDisconnect(fn func(c *signaling.Conn))
	// Node is the hub's node id, which names this node to the others.
	Node() string
	// RelayConn makes the stand-in connection of a client connected to
	// another node (used with SessionsOptions.Redis).
	RelayConn(id signaling.Identity, connID string, send func(frame []byte) error) *signaling.Conn
}

// RegisterHandlers registers the media.* frame handlers of s on the hub's
// router (FRAMES.md) and a disconnect hook: a participant whose WebSocket
// closes keeps their place for the grace period, so a client that
// reconnects and sends media.join with "resume" carries on. With
// SessionsOptions.Redis it also starts the relay between nodes: the frames
// of a connection whose session's room is on another node are served
// there (relay.go). Call it once, before the hub serves.
func RegisterHandlers(hub Hub, s *Sessions) {
	if s.rdb != nil {
		s.relay = startRelay(s, hub)
	}
	r := hub.Router()
	r.HandleFunc(FrameJoin, s.serveJoin)
	r.HandleFunc(FrameLeave, s.routed(s.handleLeave))
	r.HandleFunc(FrameOffer, s.routed(s.handleOffer))
	r.HandleFunc(FrameAnswer, s.routed(s.handleAnswer))
	r.HandleFunc(FrameCandidate, s.routed(s.handleCandidate))
	r.HandleFunc(FrameRestart, s.routed(s.handleRestart))
	r.HandleFunc(FrameLayer, s.routed(s.handleLayer))
	r.HandleFunc(FrameAdmit, s.routed(s.handleAdmit))
	r.HandleFunc(FrameDecline, s.routed(s.handleDecline))
	r.HandleFunc(FrameMute, s.routed(s.handleMute))
	r.HandleFunc(FrameUnmute, s.routed(s.handleUnmute))
	r.HandleFunc(FrameRemove, s.routed(s.handleRemove))
	r.HandleFunc(FrameEnd, s.routed(s.handleEnd))
	hub.OnDisconnect(s.connClosed)
}

// actorOf is the account actor behind a connection.
func actorOf(c *signaling.Conn) account.Actor {
	id := c.Identity()
	return account.Actor{UserID: id.UserID, Role: account.Role(id.Role)}
}

// handleJoin serves media.join: a member of the session enters its room,
// or its waiting room when a guest a host has not admitted yet. With
// "resume", a participant whose connection dropped takes their place back
// (resumed: true, and the SFU restarts ICE); when there is no place to
// resume the reply says neither resumed nor waiting and nothing else
// happens: the client then joins afresh.
func (s *Sessions) handleJoin(ctx context.Context, req *signaling.Request) error {
	j, err := DecodeJoinFrame(req.Data)
	if err != nil {
		return err
	}
	actor := actorOf(req.Conn)
	rec, role, err := s.authorizeJoin(ctx, actor, j.Room)
	if err != nil {
		return err
	}
	ls, err := s.liveFor(ctx, rec)
	if err != nil {
		return err
	}
	if old := s.memberOf(req.Conn); old != nil && old.ls != ls {
		s.leave(old)
	}
	pid := participantID(actor.UserID)
	m, stale := s.bind(ls, req.Conn, pid, role)
	if stale != nil {
		_ = stale.Push(signaling.Event{Type: FrameRemoved, Durable: true,
			Data: mustJSON(ParticipantEvent{Participant: pid, Reason: "rejoined"})})
	}
	reply := JoinReply{Participant: pid, Role: role}

	s.mu.Lock()
	admitted := role == RoleHost || ls.admitted[pid]
	part := m.part
	if !admitted && !m.waiting {
		m.waiting, m.waitSince = true, s.now()
	}
	s.mu.Unlock()
	switch {
	case !admitted:
		reply.Waiting = true
		if err := req.Reply(ctx, reply); err != nil {
			return err
		}
		m.sink.Signal(Frame{Type: FrameWaiting, Data: ParticipantEvent{Participant: pid, Role: role}})
		s.tellHosts(ls)
		return nil
	case j.Resume && part != nil && ls.room.participant(pid) == part:
		reply.Resumed = true
		if err := req.Reply(ctx, reply); err != nil {
			return err
		}
		return part.RestartICE()
	case j.Resume:
		// Nothing to resume: the client starts over with new peer
		// connections and a plain media.join, so no offer of a
		// participant it has not prepared for reaches it.
		return req.Reply(ctx, reply)
	}
	if err := s.enter(ls, m); err != nil {
		return err
	}
	if err := req.Reply(ctx, reply); err != nil {
		return err
	}
	if role == RoleHost {
		s.tellHosts(ls)
	}
	return nil
}

// bind makes m the member for pid in ls on connection c, creating it or
// taking it over from an earlier connection (returned as stale when it is
// another one, so it can be told).
func (s *Sessions) bind(ls *liveSession, c connKey, pid string, role Role) (m *member, stale connKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m = ls.members[pid]
	if m == nil {
		m = &member{ls: ls, pid: pid, role: role, sink: &memberSink{}}
		ls.members[pid] = m
	}
	if m.grace != nil {
		m.grace.Stop()
		m.grace = nil
	}
	if m.conn != c {
		if m.conn != nil && s.conns[m.conn] == m {
			delete(s.conns, m.conn)
			stale = m.conn
		}
		m.conn = c
		m.sink.bind(c)
	}
	s.conns[c] = m
	return m, stale
}

// enter puts an admitted member in the room, replacing an earlier
// participant of theirs.
func (s *Sessions) enter(ls *liveSession, m *member) error {
	if m.role == RoleGuest {
		if err := ls.room.Admit(m.pid); err != nil {
			return err
		}
	}
	p, err := ls.room.Join(m.pid, m.role, m.sink)
	if err != nil {
		return err
	}
	s.mu.Lock()
	m.part, m.waiting = p, false
	s.mu.Unlock()
	return nil
}

// handleLeave serves media.leave: the sender leaves the room or the
// waiting room.
func (s *Sessions) handleLeave(_ context.Context, req *signaling.Request) error {
	m := s.memberOf(req.Conn)
	if m == nil {
		return ErrNotJoined
	}
	s.leave(m)
	return nil
}

// leave takes m out of its session.
func (s *Sessions) leave(m *member) {
	s.mu.Lock()
	part, waited := m.part, m.waiting
	s.dropLocked(m)
	s.mu.Unlock()
	if part != nil {
		part.Leave()
	}
	if waited {
		s.tellHosts(m.ls)
	}
}

// disconnected runs when a connection has closed: a waiting guest leaves
// the waiting room at once; a participant keeps their place for the grace
// period, then leaves unless a new connection took it over.
func (s *Sessions) disconnected(c *signaling.Conn) {
	s.mu.Lock()
	m := s.conns[c]
	if m == nil {
		s.mu.Unlock()
		return
	}
	if m.waiting || m.part == nil {
		s.mu.Unlock()
		s.leave(m)
		return
	}
	m.grace = time.AfterFunc(s.grace, func() { s.expire(m, c) })
	s.mu.Unlock()
}

// expire ends a dropped participant's grace period.
func (s *Sessions) expire(m *member, c connKey) {
	s.mu.Lock()
	if m.conn != c || m.ls.members[m.pid] != m {
		s.mu.Unlock()
		return // resumed on another connection, or gone
	}
	part := m.part
	s.dropLocked(m)
	s.mu.Unlock()
	if part != nil {
		part.Leave()
	}
}
