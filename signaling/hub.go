package signaling

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"
)

// Hub accepts WebSocket connections and delivers events to them. Create it
// with NewHub, mount it with Register (or as the handler of GET /ws), and
// stop it with Shutdown.
type Hub struct {
	opts     Options
	log      *slog.Logger
	router   *Router
	broker   Broker
	store    PresenceStore
	node     string
	stats    stats
	nextConn atomic.Uint64

	mu      sync.RWMutex
	users   map[int64]*connSet  // a user's connections on this node
	topics  map[string]*connSet // connections subscribed to a named topic
	closing bool

	hookMu       sync.RWMutex
	onConnect    []func(context.Context, *Conn)
	onDisconnect []func(*Conn)
	onHello      []HelloHook
	renderers    map[string]RenderFunc

	pres presence

	wg   sync.WaitGroup // connection goroutines
	bg   sync.WaitGroup // background goroutines
	stop chan struct{}
}

// connSet is the connections of a user or topic. Its mutex orders
// publications: all of them see a topic's events in the same order.
type connSet struct {
	mu    sync.Mutex
	conns []*Conn
}

// RenderFunc turns a published event into what its connections receive, on
// each delivering node — for example opening sealed bytes that crossed Redis.
// It must be fast and not block: it runs on the publisher's goroutine for
// local connections and on the broker's delivery goroutine for remote ones.
// An error is logged and the user's connections are told to resync.
type RenderFunc func(ctx context.Context, ev Event) (Event, error)

// NewHub returns a Hub serving with opts; see Options for the defaults. It
// starts the broker and the presence goroutine.
func NewHub(opts Options) (*Hub, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	var id [4]byte
	_, _ = rand.Read(id[:])
	h := &Hub{
		opts:      o,
		log:       o.Logger,
		router:    o.Router,
		broker:    o.Broker,
		store:     o.Presence,
		node:      hex.EncodeToString(id[:]),
		users:     make(map[int64]*connSet),
		topics:    make(map[string]*connSet),
		renderers: make(map[string]RenderFunc),
		stop:      make(chan struct{}),
	}
	h.pres.init()
	if err := h.broker.Start(brokerSink{h}); err != nil {
		return nil, err
	}
	h.bg.Add(1)
	go h.presenceLoop()
	return h, nil
}

// Router returns the router frame handlers register with.
func (h *Hub) Router() *Router { return h.router }

// Node returns this hub's node id, random per process, safe to log.
func (h *Hub) Node() string { return h.node }

// Register mounts the hub on mux at GET /ws.
func (h *Hub) Register(mux *http.ServeMux) { mux.Handle("GET /ws", h) }

// OnConnect registers fn to run for each new connection, on its reader
// goroutine, after it is registered and before its first frame is read.
func (h *Hub) OnConnect(fn func(ctx context.Context, c *Conn)) {
	h.hookMu.Lock()
	defer h.hookMu.Unlock()
	h.onConnect = append(h.onConnect, fn)
}

// OnDisconnect registers fn to run once per connection after it has closed
// and left every topic (so media can release what the connection held).
func (h *Hub) OnDisconnect(fn func(c *Conn)) {
	h.hookMu.Lock()
	defer h.hookMu.Unlock()
	h.onDisconnect = append(h.onDisconnect, fn)
}

// OnHello registers a hello hook (see HelloHook); hooks run in registration
// order.
func (h *Hub) OnHello(fn HelloHook) {
	h.hookMu.Lock()
	defer h.hookMu.Unlock()
	h.onHello = append(h.onHello, fn)
}

// Render registers fn for events of eventType (see RenderFunc). It panics on
// a malformed type or a second registration.
func (h *Hub) Render(eventType string, fn RenderFunc) {
	h.hookMu.Lock()
	defer h.hookMu.Unlock()
	if !validType(eventType) || h.renderers[eventType] != nil {
		panic("signaling: cannot register renderer for " + eventType)
	}
	h.renderers[eventType] = fn
}

func (h *Hub) helloHooks() []HelloHook {
	h.hookMu.RLock()
	defer h.hookMu.RUnlock()
	return h.onHello
}

func (h *Hub) renderer(t string) RenderFunc {
	h.hookMu.RLock()
	defer h.hookMu.RUnlock()
	return h.renderers[t]
}

// CloseSession closes every connection of the session on this node with
// CloseUnauthenticated (sign-out, session revoked).
func (h *Hub) CloseSession(sessionID string) {
	h.closeWhere(func(c *Conn) bool { return c.ident.SessionID == sessionID }, CloseUnauthenticated, "session ended")
}

// CloseUser closes every connection of the user on this node with code
// (CloseForbidden when a role or access changed, for instance).
func (h *Hub) CloseUser(userID int64, code websocket.StatusCode, reason string) {
	h.mu.RLock()
	s := h.users[userID]
	h.mu.RUnlock()
	for _, c := range s.snapshot() {
		c.Close(code, reason)
	}
}

func (h *Hub) closeWhere(match func(*Conn) bool, code websocket.StatusCode, reason string) {
	for _, c := range h.allConns() {
		if match(c) {
			c.Close(code, reason)
		}
	}
}

// allConns returns every connection on this node.
func (h *Hub) allConns() []*Conn {
	h.mu.RLock()
	sets := make([]*connSet, 0, len(h.users))
	for _, s := range h.users {
		sets = append(sets, s)
	}
	h.mu.RUnlock()
	var all []*Conn
	for _, s := range sets {
		all = append(all, s.snapshot()...)
	}
	return all
}

// snapshot returns a copy of the set's connections; nil-safe.
func (s *connSet) snapshot() []*Conn {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Conn(nil), s.conns...)
}

// Shutdown closes every connection with CloseGoingAway, refuses new ones
// with 503, waits until their goroutines have ended (or ctx ends, returning
// its error), writes this node's users offline and closes the broker.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	already := h.closing
	h.closing = true
	h.mu.Unlock()
	if already {
		return nil
	}
	for _, c := range h.allConns() {
		c.Close(CloseGoingAway, "server shutting down")
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	close(h.stop)
	h.bg.Wait()
	if cerr := h.broker.Close(); err == nil {
		err = cerr
	}
	return err
}
