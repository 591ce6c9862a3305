package signaling

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"haven/portal/fault"
)

// codeAbort marks a close without a close handshake (dead peer, write error).
const codeAbort websocket.StatusCode = 0

// ErrClosed is returned when sending to a connection that is closing.
var ErrClosed = fault.New(fault.Unavailable, "connection closed")

// Conn is one client WebSocket connection. Its methods are safe for
// concurrent use; it stays valid (methods return ErrClosed) after it closes.
type Conn struct {
	hub     *Hub
	ws      *websocket.Conn
	relay   func(frame []byte) error // a relay connection's transport (Hub.RelayConn); nil with ws
	id      string
	ident   Identity
	created time.Time

	ctx    context.Context // cancelled when the connection starts closing
	cancel context.CancelFunc
	room   chan struct{}  // the writer took frames: Send may retry
	timer  *time.Timer    // the one timer: keepalive, hello and session deadlines
	bg     sync.WaitGroup // the writer and timer goroutines

	mu           sync.Mutex
	out          [][]byte    // frames waiting for the writer
	spare        [][]byte    // a drained batch kept for reuse
	held         []heldEvent // events held until the client's hello completes
	holding      bool        // events are held (before hello, after resync)
	helloRunning bool        // hello hooks are running
	epoch        uint64      // incremented at each resync
	closing      bool
	writing      bool // a writer goroutine is running
	code         websocket.StatusCode
	reason       string
	away         bool
	topics       []string

	helloed atomic.Bool // at least one hello completed
	pinging atomic.Bool // a ping is waiting for its pong
	// lastRead is when the reader last read a frame (Unix ns): a client
	// whose frames are still arriving is alive even when its pong waits
	// behind them (see ping).
	lastRead atomic.Int64

	// Used by the reader goroutine only.
	rate, strikes bucket
	bad           int
}

type heldEvent struct {
	ev    *Event
	frame []byte
}

func newConn(h *Hub, ws *websocket.Conn, id Identity) *Conn {
	ctx, cancel := context.WithCancel(context.Background())
	now := time.Now()
	return &Conn{
		hub:     h,
		ws:      ws,
		id:      h.node + "-" + strconv.FormatUint(h.nextConn.Add(1), 36),
		ident:   id,
		created: now,
		ctx:     ctx,
		cancel:  cancel,
		room:    make(chan struct{}, 1),
		holding: true,
		rate:    bucket{tokens: float64(h.opts.Burst), last: now},
		strikes: bucket{tokens: float64(h.opts.Strikes), last: now},
	}
}

// ID returns the connection's id, unique on this node and safe to log.
func (c *Conn) ID() string { return c.id }

// Identity returns who the connection belongs to.
func (c *Conn) Identity() Identity { return c.ident }

// Context returns a context cancelled when the connection starts closing.
func (c *Conn) Context() context.Context { return c.ctx }

// Send queues ev for this connection alone, after every frame already
// queued. It waits while the send queue is full, until ctx ends (returning
// ctx's error) or the connection closes (ErrClosed); use it from handlers and
// hello hooks (a replay), where waiting slows the client's own requests.
// Events are sent even while the connection holds published events.
func (c *Conn) Send(ctx context.Context, ev Event) error {
	if err := ev.validate(); err != nil {
		return err
	}
	return c.sendFrame(ctx, ev.frame())
}

// Push queues ev for this connection alone without waiting, with the
// semantics of a publication: a durable event that finds the queue full
// closes the connection (slow consumer) and returns ErrClosed; an ephemeral
// one is dropped. It is meant for goroutines that must not block (media).
func (c *Conn) Push(ev Event) error {
	if err := ev.validate(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || !c.enqueueLocked(ev.frame(), ev.Durable) && ev.Durable {
		return ErrClosed
	}
	return nil
}

// Close starts closing the connection with code and reason (at most 123
// bytes, no user data): frames already queued are written (within
// WriteTimeout), then the close frame. Close does not wait; Context is
// cancelled at once and nothing more can be queued.
func (c *Conn) Close(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked(code, reason)
}

// terminate is Close for internal reasons.
func (c *Conn) terminate(code websocket.StatusCode, reason string) { c.Close(code, reason) }

// closeLocked marks the connection closing, releases its queues and makes
// sure a writer runs, which writes what remains and closes the WebSocket. The
// first call wins. c.mu is held.
func (c *Conn) closeLocked(code websocket.StatusCode, reason string) {
	if c.closing {
		return
	}
	c.closing = true
	c.code, c.reason = code, reason
	c.spare, c.held = nil, nil
	if code == CloseSlowConsumer || code == codeAbort {
		c.out = nil // nothing more will be written
	}
	if code == CloseSlowConsumer {
		c.hub.stats.slowCloses.Add(1)
	}
	c.cancel()
	c.startWriterLocked()
}

func (c *Conn) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

// startWriterLocked starts the writer goroutine unless one is running. c.mu
// is held.
func (c *Conn) startWriterLocked() {
	if !c.writing {
		c.writing = true
		c.bg.Add(1)
		go c.writeLoop()
	}
}

// Subscribe makes the connection receive events published to topic with
// Hub.PublishTopic, until Unsubscribe or the connection closes. topic must
// be of the form [a-z][a-z0-9._-]{0,63}. Subscribing twice is a no-op. Call
// it (and Unsubscribe) from the connection's handlers or hooks, whose
// goroutine also unsubscribes everything when the connection ends. It waits
// for the broker like Broker.Subscribe and returns its error (the
// subscription is kept and a gap reported when it becomes effective).
func (c *Conn) Subscribe(ctx context.Context, topic string) error {
	if !validType(topic) {
		return errBadTopic
	}
	return c.hub.subscribeTopic(ctx, c, topic)
}

// Unsubscribe stops delivery of topic's events to the connection.
func (c *Conn) Unsubscribe(topic string) { c.hub.unsubscribeTopic(c, topic) }

var errBadTopic = fault.New(fault.Invalid, "malformed topic")
