package signaling

import (
	"context"
	"encoding/json"
	"time"
)

// Relaying a connection's frames to another node.
//
// A package that keeps per-connection state on one node only (media: a
// video room lives on the node whose SFU hosts it) serves the frames of a
// client connected elsewhere through a relay connection on that node: the
// edge node (the one holding the WebSocket) carries each frame over its own
// transport, the owning node serves it with Router.Serve on a connection
// made by Hub.RelayConn, whose outgoing frames go back to the edge node and
// are queued on the real connection with Conn.Forward. The edge's handler
// calls Request.Handoff so the hub does not answer a second time. The hub
// itself knows nothing of the transport.

// RelayConn returns a connection without a WebSocket that stands in, on
// this node, for a client connected to another node: frames served on it
// with Router.Serve see id as the client's identity, and everything queued
// on it (replies, errors, Send, Push) is handed in order to send, from one
// goroutine at a time, with the send queue's limits and overflow rules of a
// WebSocket connection. connID is the stand-in's ID (the edge's connection
// id serves, being unique across nodes). The connection is live at once (no
// hello, no keepalive, no rate limit), receives no published events, is not
// counted among the hub's connections and is not closed by Shutdown: its
// owner closes it with Close, after which frames still queued are handed to
// send and the disconnect hooks do not run. An error from send closes it.
func (h *Hub) RelayConn(id Identity, connID string, send func(frame []byte) error) *Conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Conn{
		hub:     h,
		id:      connID,
		ident:   id,
		created: time.Now(),
		ctx:     ctx,
		cancel:  cancel,
		room:    make(chan struct{}, 1),
		relay:   send,
	}
	c.helloed.Store(true)
	return c
}

// Serve serves one client frame on c as the hub serves a frame read from a
// WebSocket: the handler registered for f.Type runs with ctx and its answer
// ("<type>.ok", or an "error" frame with the user-safe message) is queued on
// c; an unknown type is answered "unknown_type". It is meant for relay
// connections (Hub.RelayConn); frames of one connection must be served one
// at a time, in order, as on a WebSocket. ctx should carry a deadline.
func (r *Router) Serve(ctx context.Context, c *Conn, f Frame) {
	h := r.lookup(f.Type)
	if h == nil {
		c.pushControl(encodeError(f.ID, WireError{Code: CodeUnknownType, Message: "unknown frame type"}), false)
		return
	}
	req := &Request{Conn: c, Type: f.Type, ID: f.ID, Data: f.Data}
	if err := c.call(ctx, h, req); err != nil {
		c.answerError(ctx, f, err)
		return
	}
	if !req.replied && f.ID != "" {
		_ = c.sendFrame(ctx, encodeFrame(f.Type+".ok", f.ID, nil))
	}
}

// Handoff tells the hub that the request is answered elsewhere — by another
// node that served it and whose frames, its answer among them, reach the
// client through Conn.Forward — so that the hub sends no "<type>.ok" when
// the handler returns nil. An error the handler returns is still sent: a
// handler returns one only when the frame was not served elsewhere.
func (r *Request) Handoff() { r.replied = true }

// Forward queues on c a frame encoded elsewhere — one that a relay
// connection on another node handed to its send function — without
// waiting, with the semantics of Push: when the send queue is full a
// durable frame closes the connection (slow consumer) and returns ErrClosed,
// an ephemeral one is dropped. frame must be one JSON object; anything else
// returns ErrBadEvent.
func (c *Conn) Forward(frame []byte, durable bool) error {
	if len(frame) == 0 || frame[0] != '{' || !json.Valid(frame) {
		return ErrBadEvent
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || !c.enqueueLocked(frame, durable) && durable {
		return ErrClosed
	}
	return nil
}
