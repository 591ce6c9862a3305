package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"haven/signaling"
)

// The relay between nodes (SessionsOptions.Redis).
//
// A session's room lives on one node, its owner: the first node that
// opened it claims the session under <prefix>media:room:<session id> (value:
// the owner's hub node id, expiring after relayTTL, refreshed while the room
// is open, deleted when it closes). A node that gets media.join for a
// session claimed by another node becomes the edge of that connection: it
// publishes this and every later media.* frame of the connection to the
// owner's channel <prefix>media:node:<owner>, waits until the owner has
// served it, and writes to the real connection whatever the owner sends
// back on the edge's own channel. The owner serves each relayed frame with
// the normal handlers on a stand-in connection (signaling.Hub.RelayConn),
// one per edge connection; all that the handlers queue on a stand-in
// (answers, errors, pushed events) goes back in order.
//
// A connection closing on the edge is relayed ("gone"), so the owner runs
// the same disconnect path as for a local one (the grace period, then
// resume or leave). An edge node that stops listening on its channel is
// noticed by the owner's periodic check, and its stand-ins disconnect the
// same way. An owner that does not answer gets ErrRelayUnavailable.
//
// Redis carries ids (sessions, connections, users, nodes), roles, frame
// types and the frames media already sends clients (SDP, ICE, opaque
// participant ids): no names and no health information.

// Relay timing.
const (
	// relayDefaultEvery is how often an owner refreshes its claims and
	// checks the edge nodes of its stand-ins.
	relayDefaultEvery = 5 * time.Second
	// relayTTL is how long a claim outlives its last refresh: how long
	// joins wait before a session whose owner died can open elsewhere.
	relayTTL = 15 * time.Second
	// relayServeTimeout bounds serving one relayed frame on the owner; it
	// is below the hub's default handler timeout (5 s), so the edge hears
	// back before it gives up.
	relayServeTimeout = 4 * time.Second
	// relayPublishTimeout bounds one publication.
	relayPublishTimeout = 2 * time.Second
	// relayMissedChecks is how many consecutive checks an edge node must be
	// missing from its channel before its stand-ins disconnect (a pub/sub
	// connection being re-established is not a dead node).
	relayMissedChecks = 2
	// standInQueue bounds the relayed frames waiting on one stand-in; an
	// edge sends one at a time, so more means a confused edge.
	standInQueue = 16
)

// Relay message kinds.
const (
	relayFrame = "frame" // edge → owner: a client frame to serve
	relayGone  = "gone"  // edge → owner: the connection closed (or left the session)
	relayOut   = "out"   // owner → edge: a frame for the connection
	relayDone  = "done"  // owner → edge: the frame numbered Seq was served
)

// relayDoneType is the event a stand-in queues after serving a frame, so
// that "done" follows the frame's answer in order; it never reaches a
// client.
const relayDoneType = "media.relay_done"

// relayMsg is one message on a node's relay channel, JSON-encoded.
type relayMsg struct {
	Kind    string          `json:"k"`
	From    string          `json:"n"`           // the sending node
	Conn    string          `json:"c"`           // the edge connection's id
	User    int64           `json:"u,omitempty"` // frame: the connection's user and role
	Role    string          `json:"r,omitempty"`
	Seq     uint64          `json:"s,omitempty"` // frame, done
	Type    string          `json:"t,omitempty"` // frame
	ID      string          `json:"i,omitempty"` // frame: the client's request id
	Data    json.RawMessage `json:"d,omitempty"` // frame: its data; out: the encoded frame
	Durable bool            `json:"v,omitempty"` // out
	Leave   bool            `json:"x,omitempty"` // gone: leave the session now, no grace period
}

// relay is a node's end of the relay: the edge's links to owners and the
// owner's stand-ins, over one Redis channel per node.
type relay struct {
	s      *Sessions
	hub    Hub
	router *signaling.Router
	rdb    *redis.Client
	prefix string
	node   string
	every  time.Duration
	log    *slog.Logger

	ctx    context.Context // ends at close
	cancel context.CancelFunc
	ps     *redis.PubSub
	wg     sync.WaitGroup // the receiver, the ticker and the stand-ins' servers

	mu       sync.Mutex
	closed   bool
	links    map[*signaling.Conn]*link // edge: local connections served elsewhere
	byID     map[string]*link          // the same, by connection id
	standins map[standKey]*standIn     // owner: by edge node and connection id
	stands   map[*signaling.Conn]*standIn
	missing  map[string]int // owner: edge node → consecutive checks it was not listening
}

// Lua scripts on a session's claim key.
var (
	// claimScript claims KEYS[1] for node ARGV[1] for ARGV[2] ms when it
	// is free, extends it when already the node's, and returns the owner.
	claimScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return v`)
	// releaseScript deletes KEYS[1] when node ARGV[1] holds it.
	releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)
)

// startRelay subscribes this node's channel and starts the receiver and
// the ticker. A subscription Redis does not confirm at once is logged; the
// client keeps trying.
func startRelay(s *Sessions, hub Hub) *relay {
	r := &relay{
		s: s, hub: hub, router: hub.Router(), rdb: s.rdb, prefix: s.prefix, node: hub.Node(), every: s.relayEvery,
		log:   s.log.With("relay", hub.Node()),
		links: map[*signaling.Conn]*link{}, byID: map[string]*link{},
		standins: map[standKey]*standIn{}, stands: map[*signaling.Conn]*standIn{}, missing: map[string]int{},
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.ps = r.rdb.Subscribe(r.ctx, r.channel(r.node))
	ctx, cancel := context.WithTimeout(r.ctx, 5*time.Second)
	defer cancel()
	if _, err := r.ps.Receive(ctx); err != nil {
		r.log.Warn("relay subscription pending", "err", err)
	}
	ch := r.ps.Channel(redis.WithChannelSize(1000))
	r.wg.Add(2)
	go r.receive(ch)
	go r.tick()
	return r
}

// close stops the relay: stand-ins close, links are forgotten, the
// goroutines end.
func (r *relay) close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	stands := r.stands
	r.links, r.byID = map[*signaling.Conn]*link{}, map[string]*link{}
	r.standins, r.stands = map[standKey]*standIn{}, map[*signaling.Conn]*standIn{}
	r.mu.Unlock()
	r.cancel()
	if err := r.ps.Close(); err != nil {
		r.log.Debug("relay unsubscribe", "err", err)
	}
	for c := range stands {
		c.Close(signaling.CloseGoingAway, "")
	}
	r.wg.Wait()
}

// channel is a node's relay channel.
func (r *relay) channel(node string) string { return r.prefix + "media:node:" + node }

// roomKey is a session's claim key.
func (r *relay) roomKey(session string) string { return r.prefix + "media:room:" + session }

// publish sends msg to node's channel and reports how many nodes listen
// there (0: none, it stopped).
func (r *relay) publish(ctx context.Context, node string, msg relayMsg) (int64, error) {
	b, err := json.Marshal(msg)
	if err != nil {
		return 0, fmt.Errorf("media: encode relay message: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, relayPublishTimeout)
	defer cancel()
	return r.rdb.Publish(ctx, r.channel(node), b).Result()
}

// receive dispatches the messages of this node's channel, in order: frames
// for stand-ins (this node owns their room), frames for local connections
// (this node is their edge).
func (r *relay) receive(ch <-chan *redis.Message) {
	defer r.wg.Done()
	for m := range ch {
		var msg relayMsg
		if err := json.Unmarshal([]byte(m.Payload), &msg); err != nil || msg.From == "" || msg.Conn == "" {
			r.log.Warn("malformed relay message")
			continue
		}
		switch msg.Kind {
		case relayFrame, relayGone:
			r.toStandIn(msg)
		case relayOut, relayDone:
			r.toEdge(msg)
		default:
			r.log.Warn("unknown relay message", "kind", msg.Kind)
		}
	}
}

// owner returns the node that holds session's room, "" when none does.
// Errors: ErrRelayUnavailable when Redis cannot tell.
func (r *relay) owner(ctx context.Context, session string) (string, error) {
	v, err := r.rdb.Get(ctx, r.roomKey(session)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return "", nil
	case err != nil:
		r.log.Warn("relay: look up a session's node", "session", session, "err", err)
		return "", ErrRelayUnavailable
	}
	return v, nil
}

// claim claims session for this node unless another node holds it, and
// returns the holder. Errors: ErrRelayUnavailable when Redis cannot tell,
// ErrClosed after close.
func (r *relay) claim(ctx context.Context, session string) (string, error) {
	if r.ctx.Err() != nil {
		return "", ErrClosed
	}
	v, err := claimScript.Run(ctx, r.rdb, []string{r.roomKey(session)}, r.node, relayTTL.Milliseconds()).Text()
	if err != nil {
		r.log.Warn("relay: claim a session", "session", session, "err", err)
		return "", ErrRelayUnavailable
	}
	return v, nil
}

// release gives up this node's claim on session (its room closed).
func (r *relay) release(session string) {
	ctx, cancel := context.WithTimeout(context.Background(), relayPublishTimeout)
	defer cancel()
	if err := releaseScript.Run(ctx, r.rdb, []string{r.roomKey(session)}, r.node).Err(); err != nil {
		r.log.Warn("relay: release a session", "session", session, "err", err)
	}
}

// tick refreshes this node's claims and checks the edge nodes of its
// stand-ins, every r.every until close.
func (r *relay) tick() {
	defer r.wg.Done()
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
		}
		r.refresh()
		r.checkEdges()
	}
}

// refresh extends the claims of the sessions whose room is open here; a
// session another node claimed meanwhile (this node could not refresh in
// time) is logged: joins go there from now on.
func (r *relay) refresh() {
	r.s.mu.Lock()
	ids := make([]string, 0, len(r.s.live))
	for id := range r.s.live {
		ids = append(ids, id)
	}
	r.s.mu.Unlock()
	for _, id := range ids {
		ctx, cancel := context.WithTimeout(r.ctx, relayPublishTimeout)
		owner, err := r.claim(ctx, id)
		cancel()
		if err == nil && owner != r.node {
			r.log.Warn("relay: session claimed by another node while open here", "session", id, "node", owner)
		}
	}
}

// seqData is the data of a relayDoneType event.
func seqData(seq uint64) json.RawMessage {
	return json.RawMessage(`{"seq":` + strconv.FormatUint(seq, 10) + `}`)
}
