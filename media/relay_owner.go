package media

import (
	"context"
	"encoding/json"

	"haven/signaling"
)

// The owner's side of the relay: stand-ins for connections on other nodes.

// standKey names an edge connection: its node and its id there.
type standKey struct {
	edge, conn string
}

// standIn is the stand-in of one edge connection: a relay connection the
// handlers serve as if it were the client's, and the relayed messages
// waiting to be served on it, one at a time, in order.
type standIn struct {
	key  standKey
	conn *signaling.Conn
	// Guarded by relay.mu.
	queue   []relayMsg
	running bool // a serve goroutine drains queue
}

// toStandIn queues a relayed frame (or the connection's end) on its
// stand-in, creating the stand-in for a connection's first frame. A "gone"
// retires the stand-in at once, so a later frame of the same connection
// (a join after a relay failure) gets a fresh one.
func (r *relay) toStandIn(msg relayMsg) {
	key := standKey{edge: msg.From, conn: msg.Conn}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	st := r.standins[key]
	switch {
	case st == nil && msg.Kind == relayGone:
		return
	case st == nil:
		if msg.User <= 0 {
			r.log.Warn("relayed frame without a user", "node", msg.From, "conn", msg.Conn)
			return
		}
		st = &standIn{key: key}
		st.conn = r.hub.RelayConn(signaling.Identity{UserID: msg.User, Role: msg.Role}, msg.Conn, r.sendOut(key))
		r.standins[key] = st
		r.stands[st.conn] = st
	case msg.Kind == relayGone:
		delete(r.standins, key)
	}
	if len(st.queue) >= standInQueue {
		r.log.Warn("relayed frame dropped: stand-in queue full", "node", msg.From, "conn", msg.Conn)
		return
	}
	st.queue = append(st.queue, msg)
	if !st.running {
		st.running = true
		r.wg.Add(1)
		go r.serve(st)
	}
}

// serve drains a stand-in's queue: each frame is served by the hub's
// router on the stand-in, then "done" is queued after whatever the handler
// sent; a "gone" disconnects the stand-in.
func (r *relay) serve(st *standIn) {
	defer r.wg.Done()
	for {
		r.mu.Lock()
		if len(st.queue) == 0 || r.ctx.Err() != nil {
			st.queue, st.running = nil, false
			r.mu.Unlock()
			return
		}
		msg := st.queue[0]
		st.queue = st.queue[1:]
		r.mu.Unlock()
		if msg.Kind == relayGone {
			r.disconnect(st, msg.Leave)
			continue
		}
		ctx, cancel := context.WithTimeout(r.ctx, relayServeTimeout)
		r.router.Serve(ctx, st.conn, signaling.Frame{Type: msg.Type, ID: msg.ID, Data: msg.Data})
		_ = st.conn.Send(ctx, signaling.Event{Type: relayDoneType, Data: seqData(msg.Seq)})
		cancel()
	}
}

// disconnect ends a stand-in whose edge connection closed (or whose edge
// node stopped listening) as a local connection ends: a participant keeps
// their place for the grace period, a waiting guest leaves. With leave,
// the member leaves at once (the connection joined another session).
func (r *relay) disconnect(st *standIn, leave bool) {
	r.mu.Lock()
	if r.standins[st.key] == st {
		delete(r.standins, st.key)
	}
	delete(r.stands, st.conn)
	r.mu.Unlock()
	st.conn.Close(signaling.CloseNormal, "")
	if leave {
		if m := r.s.memberOf(st.conn); m != nil {
			r.s.leave(m)
		}
		return
	}
	r.s.disconnected(st.conn)
}

// isStandIn reports whether c is a stand-in of this node.
func (r *relay) isStandIn(c *signaling.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stands[c] != nil
}

// sendOut is a stand-in's send function: it publishes each frame the
// handlers queued to the edge node, in order ("done" for relayDoneType).
// A failed publication is logged; the frame is lost as on a broken
// WebSocket, and the edge's wait for "done" ends in ErrRelayUnavailable.
func (r *relay) sendOut(key standKey) func(frame []byte) error {
	return func(frame []byte) error {
		var head struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(frame, &head); err != nil {
			return nil // the hub encodes valid frames
		}
		msg := relayMsg{Kind: relayOut, From: r.node, Conn: key.conn, Data: frame, Durable: durableFrame(head.Type)}
		if head.Type == relayDoneType {
			var d struct {
				Seq uint64 `json:"seq"`
			}
			_ = json.Unmarshal(head.Data, &d)
			msg = relayMsg{Kind: relayDone, From: r.node, Conn: key.conn, Seq: d.Seq}
		}
		if _, err := r.publish(r.ctx, key.edge, msg); err != nil && r.ctx.Err() == nil {
			r.log.Warn("relay to edge node failed", "node", key.edge, "conn", key.conn, "err", err)
		}
		return nil
	}
}

// checkEdges asks Redis which edge nodes of this node's stand-ins still
// listen on their channel; the stand-ins of one missing relayMissedChecks
// times in a row disconnect (the grace period starts: their clients
// reconnect to a live node and resume).
func (r *relay) checkEdges() {
	r.mu.Lock()
	edges := map[string]bool{}
	for k := range r.standins {
		edges[k.edge] = true
	}
	for e := range r.missing {
		if !edges[e] {
			delete(r.missing, e)
		}
	}
	r.mu.Unlock()
	if len(edges) == 0 {
		return
	}
	chans := make([]string, 0, len(edges))
	for e := range edges {
		chans = append(chans, r.channel(e))
	}
	ctx, cancel := context.WithTimeout(r.ctx, relayPublishTimeout)
	defer cancel()
	subs, err := r.rdb.PubSubNumSub(ctx, chans...).Result()
	if err != nil {
		if r.ctx.Err() == nil {
			r.log.Warn("relay: check edge nodes", "err", err)
		}
		return
	}
	r.mu.Lock()
	var dead []standKey
	for e := range edges {
		if subs[r.channel(e)] > 0 {
			delete(r.missing, e)
			continue
		}
		r.missing[e]++
		if r.missing[e] < relayMissedChecks {
			continue
		}
		delete(r.missing, e)
		for k := range r.standins {
			if k.edge == e {
				dead = append(dead, k)
			}
		}
	}
	r.mu.Unlock()
	for _, k := range dead {
		r.log.Info("relay: edge node stopped listening; disconnecting its stand-in", "node", k.edge, "conn", k.conn)
		r.toStandIn(relayMsg{Kind: relayGone, From: k.edge, Conn: k.conn})
	}
}
