package media

import (
	"context"
	"errors"
	"sync"

	"haven/signaling"
)

// The edge's side of the relay: local connections whose session's room is
// on another node.

// ownedElsewhere is liveFor's refusal to open a room another node has
// claimed: the join goes there.
type ownedElsewhere struct{ node string }

func (e *ownedElsewhere) Error() string { return "media: session held by node " + e.node }

// link is a local connection served by another node: the owner of its
// session's room.
type link struct {
	conn    *signaling.Conn
	owner   string // the owner's node id
	session string

	mu      sync.Mutex
	seq     uint64        // the last frame relayed
	waiting uint64        // the frame whose "done" is awaited
	done    chan struct{} // closed when it comes
}

// expect numbers the next relayed frame and returns the channel closed
// when the owner has served it.
func (l *link) expect() (uint64, chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	l.waiting, l.done = l.seq, make(chan struct{})
	return l.seq, l.done
}

// served marks frame seq served.
func (l *link) served(seq uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done != nil && l.waiting == seq {
		close(l.done)
		l.done = nil
	}
}

// serveJoin serves media.join where the session's room lives, looked up
// afresh at each join: here (handleJoin, which claims the session when it
// opens the room), or on the node that holds it, through the relay.
// Joining another session leaves the one the connection was in, wherever
// it is. A stand-in (this node serves a connection of another node) always
// joins here.
func (s *Sessions) serveJoin(ctx context.Context, req *signaling.Request) error {
	r := s.relay
	if r == nil {
		return s.handleJoin(ctx, req)
	}
	j, err := DecodeJoinFrame(req.Data)
	if err != nil {
		return err
	}
	if r.isStandIn(req.Conn) {
		err := s.handleJoin(ctx, req)
		if errors.As(err, new(*ownedElsewhere)) {
			return ErrRelayUnavailable // claimed elsewhere meanwhile: the edge looks again on retry
		}
		return err
	}
	owner, err := r.owner(ctx, j.Room)
	if err != nil {
		return err
	}
	if l := r.linkOf(req.Conn); l != nil {
		if l.session == j.Room && l.owner == owner {
			return r.forward(ctx, req, l)
		}
		r.unlink(req.Conn, l.session != j.Room) // another session: leave it; the same one moved: let go
	}
	if owner == "" || owner == r.node {
		err := s.handleJoin(ctx, req)
		var moved *ownedElsewhere
		if !errors.As(err, &moved) {
			return err
		}
		owner = moved.node
	}
	if old := s.memberOf(req.Conn); old != nil {
		s.leave(old)
	}
	return r.forward(ctx, req, r.link(req.Conn, owner, j.Room))
}

// routed wraps the handler of a media.* frame other than media.join: a
// connection whose session lives on another node has the frame served
// there.
func (s *Sessions) routed(h signaling.HandlerFunc) signaling.HandlerFunc {
	return func(ctx context.Context, req *signaling.Request) error {
		if s.relay != nil {
			if l := s.relay.linkOf(req.Conn); l != nil {
				return s.relay.forward(ctx, req, l)
			}
		}
		return h(ctx, req)
	}
}

// connClosed is the hub's disconnect hook: a connection served by another
// node tells it (which runs the grace period there); a local one
// disconnects here.
func (s *Sessions) connClosed(c *signaling.Conn) {
	if s.relay != nil && s.relay.unlink(c, false) {
		return
	}
	s.disconnected(c)
}

// linkOf returns c's link, or nil when c is served here.
func (r *relay) linkOf(c *signaling.Conn) *link {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.links[c]
}

// link records that c is served by owner for session.
func (r *relay) link(c *signaling.Conn, owner, session string) *link {
	l := &link{conn: c, owner: owner, session: session}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.links[c] = l
		r.byID[c.ID()] = l
	}
	return l
}

// unlink forgets c's link and tells the owner the connection is gone (with
// leave, that it left the session: it joined another one). It reports
// whether c had a link.
func (r *relay) unlink(c *signaling.Conn, leave bool) bool {
	r.mu.Lock()
	l := r.links[c]
	if l != nil {
		delete(r.links, c)
		delete(r.byID, c.ID())
	}
	closed := r.closed
	r.mu.Unlock()
	if l == nil || closed {
		return l != nil
	}
	if _, err := r.publish(context.Background(), l.owner, relayMsg{Kind: relayGone, From: r.node, Conn: c.ID(), Leave: leave}); err != nil {
		r.log.Warn("relay: tell a node a connection is gone", "node", l.owner, "conn", c.ID(), "err", err)
	}
	return true
}

// forward has req served by the owner of l's session and waits until it
// has been: the owner's answer and any frame sent meanwhile are already
// queued on the connection when it returns, so the hub sends no answer of
// its own (Handoff). When the owner does not listen or does not answer in
// time, the link is dropped (the owner is told, and disconnects its
// stand-in) and the client gets ErrRelayUnavailable; its next media.join
// looks the session up again. A wait cut short by Sessions.Close also
// ends in ErrRelayUnavailable.
func (r *relay) forward(ctx context.Context, req *signaling.Request, l *link) error {
	seq, done := l.expect()
	id := req.Conn.Identity()
	n, err := r.publish(ctx, l.owner, relayMsg{Kind: relayFrame, From: r.node, Conn: req.Conn.ID(),
		User: id.UserID, Role: id.Role, Seq: seq, Type: req.Type, ID: req.ID, Data: req.Data})
	if err != nil || n == 0 {
		r.log.Warn("relay: the session's node is not listening", "node", l.owner, "session", l.session, "err", err)
		r.unlink(req.Conn, false)
		return ErrRelayUnavailable
	}
	select {
	case <-done:
		req.Handoff()
		return nil
	case <-ctx.Done():
		r.log.Warn("relay: the session's node did not answer", "node", l.owner, "session", l.session, "type", req.Type)
		r.unlink(req.Conn, false)
		return ErrRelayUnavailable
	case <-r.ctx.Done():
		return ErrRelayUnavailable // this node's relay closed
	}
}

// toEdge writes what an owner sent for a local connection: a frame, queued
// as is, or the end of serving one.
func (r *relay) toEdge(msg relayMsg) {
	r.mu.Lock()
	l := r.byID[msg.Conn]
	r.mu.Unlock()
	if l == nil || l.owner != msg.From {
		return // the connection closed, or moved to another session
	}
	switch msg.Kind {
	case relayOut:
		_ = l.conn.Forward(msg.Data, msg.Durable) // ErrClosed: the disconnect hook tells the owner
	case relayDone:
		l.served(msg.Seq)
	}
}
