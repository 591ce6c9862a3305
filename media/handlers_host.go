package media

import (
	"context"

	"haven/portal/fault"
	"haven/signaling"
)

// hostOf returns the sender's member when it hosts a session. Errors:
// ErrNotJoined, ErrHostOnly.
func (s *Sessions) hostOf(c connKey) (*member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.conns[c]
	switch {
	case m == nil:
		return nil, ErrNotJoined
	case m.role != RoleHost:
		return nil, ErrHostOnly
	}
	return m, nil
}

// target decodes a host action's data and returns the host and the
// target's participant id.
func (s *Sessions) target(req *signaling.Request) (*member, string, error) {
	t, err := DecodeTarget(req.Data)
	if err != nil {
		return nil, "", err
	}
	h, err := s.hostOf(req.Conn)
	return h, t.Participant, err
}

// handleAdmit serves media.admit: a waiting guest is let in and told
// media.admitted; they then send media.join.
func (s *Sessions) handleAdmit(_ context.Context, req *signaling.Request) error {
	ls, g, err := s.decideWaiting(req, func(ls *liveSession, g *member) {
		ls.admitted[g.pid] = true
		g.waiting = false
	})
	if err != nil {
		return err
	}
	if err := ls.room.Admit(g.pid); err != nil {
		return err
	}
	g.sink.Signal(Frame{Type: FrameAdmitted, Data: ParticipantEvent{Participant: g.pid, Role: g.role}})
	s.tellHosts(ls)
	return nil
}

// handleDecline serves media.decline: a waiting guest is not let in; they
// get media.declined and leave the waiting room (they may ask again).
func (s *Sessions) handleDecline(_ context.Context, req *signaling.Request) error {
	ls, g, err := s.decideWaiting(req, func(_ *liveSession, g *member) { s.dropLocked(g) })
	if err != nil {
		return err
	}
	g.sink.Signal(Frame{Type: FrameDeclined, Data: ParticipantEvent{Participant: g.pid, Role: g.role}})
	s.tellHosts(ls)
	return nil
}

// decideWaiting finds the guest a host's admit or decline names and, under
// the sessions' lock, applies decide to them if they are still waiting
// (ErrNotWaiting otherwise), so two hosts deciding at once cannot both act.
func (s *Sessions) decideWaiting(req *signaling.Request, decide func(ls *liveSession, g *member)) (*liveSession, *member, error) {
	h, pid, err := s.target(req)
	if err != nil {
		return nil, nil, err
	}
	ls := h.ls
	s.mu.Lock()
	defer s.mu.Unlock()
	g := ls.members[pid]
	if g == nil || !g.waiting {
		return nil, nil, ErrNotWaiting
	}
	decide(ls, g)
	return ls, g, nil
}

// handleMute serves media.mute: the SFU stops forwarding the target's
// audio and everyone gets media.muted.
func (s *Sessions) handleMute(_ context.Context, req *signaling.Request) error {
	h, pid, err := s.target(req)
	if err != nil {
		return err
	}
	return h.ls.room.Mute(pid)
}

// handleUnmute serves media.unmute, from a host or the muted person.
func (s *Sessions) handleUnmute(_ context.Context, req *signaling.Request) error {
	t, err := DecodeTarget(req.Data)
	if err != nil {
		return err
	}
	m := s.memberOf(req.Conn)
	switch {
	case m == nil:
		return ErrNotJoined
	case m.role != RoleHost && m.pid != t.Participant:
		return ErrHostOnly
	}
	return m.ls.room.Unmute(t.Participant)
}

// handleRemove serves media.remove: the target leaves the room (they get
// media.removed, the others media.left) and must be admitted again to
// return.
func (s *Sessions) handleRemove(_ context.Context, req *signaling.Request) error {
	h, pid, err := s.target(req)
	if err != nil {
		return err
	}
	if pid == h.pid {
		return fault.Invalidf("participant: a host leaves with media.leave, not media.remove")
	}
	ls := h.ls
	if err := ls.room.Remove(pid); err != nil {
		return err
	}
	s.mu.Lock()
	delete(ls.admitted, pid)
	if g := ls.members[pid]; g != nil {
		s.dropLocked(g)
	}
	s.mu.Unlock()
	return nil
}

// handleEnd serves media.end: the session ends for everyone (media.ended,
// waiting guests included) and its summary is stored.
func (s *Sessions) handleEnd(_ context.Context, req *signaling.Request) error {
	h, err := s.hostOf(req.Conn)
	if err != nil {
		return err
	}
	sum := h.ls.room.Close()
	if sum.Room == "" {
		return nil // already closed; finish ran or runs
	}
	s.finish(h.ls, sum)
	return nil
}
