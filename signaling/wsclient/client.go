// Package wsclient is the Go client of the hub's wire protocol
// (signaling/PROTOCOL.md §1–§6), for load generators, tests and tools. The
// server does not use it.
//
// A Client runs one reader goroutine. It correlates answers with requests by
// id (Request), writes frames without waiting (Send), and hands every other
// frame — events, errors without an id, answers nobody waits for — to an
// OnFrame handler and to Await.
package wsclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"haven/signaling"
)

// Frame is one frame of the envelope (PROTOCOL.md §3), as the hub defines it.
type Frame = signaling.Frame

// Error is an "error" answer to a Request: the request's frame type and the
// wire error (code, user-safe message, retry delay). Use errors.As.
type Error struct {
	Type string // the frame type of the request it answers
	signaling.WireError
}

// Error returns "<type>: <code>: <message>".
func (e *Error) Error() string { return e.Type + ": " + e.Code + ": " + e.Message }

// ErrClosed is returned (wrapped) by Request and Await once the connection
// has ended.
var ErrClosed = errors.New("wsclient: connection closed")

// readLimit is the largest frame the client reads: generous, since the
// server's frames (events rendered with their content) are not bound by the
// 64 KiB limit on client frames.
const readLimit = 1 << 20

// keepLimit bounds the frames kept for Await; beyond it the oldest kept
// frame is dropped.
const keepLimit = 1024

// Client is one connection to the hub. Its methods are safe for concurrent
// use.
type Client struct {
	ws     *websocket.Conn
	nextID atomic.Int64
	done   chan struct{} // closed when the reader has returned
	once   sync.Once

	mu       sync.Mutex
	waiters  map[string]chan Frame  // request id → its answer
	onFrame  func(Frame, time.Time) // may be nil
	kept     []Frame                // frames not yet examined by Await
	arrived  chan struct{}          // closed (and replaced) when a frame is kept
	awaiting int                    // Await calls waiting
}

// Dial opens a WebSocket to url (ws:// or wss://, usually ending in /ws)
// with opts (headers such as Cookie and Origin) and starts the Client. The
// response is returned as websocket.Dial returns it, also on failure, so a
// refusal's status (PROTOCOL.md §1) can be read. The caller says hello.
func Dial(ctx context.Context, url string, opts *websocket.DialOptions) (*Client, *http.Response, error) {
	ws, resp, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		return nil, resp, err
	}
	return New(ws), resp, nil
}

// New starts a Client on an open connection, which it then owns: nothing
// else may read it, and Close closes it.
func New(ws *websocket.Conn) *Client {
	ws.SetReadLimit(readLimit)
	c := &Client{ws: ws, done: make(chan struct{}), waiters: map[string]chan Frame{}, arrived: make(chan struct{})}
	go c.read()
	return c
}

// read routes frames until the connection ends: an answer to a waiting
// Request goes to it; any other frame is kept for Await (see OnFrame) and
// handed to the OnFrame handler. Bytes that are not a JSON frame are skipped.
func (c *Client) read() {
	defer close(c.done)
	for {
		_, b, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		at := time.Now()
		var f Frame
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		c.mu.Lock()
		if w := c.waiters[f.ID]; f.ID != "" && w != nil {
			delete(c.waiters, f.ID)
			c.mu.Unlock()
			w <- f
			continue
		}
		fn := c.onFrame
		if fn == nil || c.awaiting > 0 {
			c.keep(f)
		}
		c.mu.Unlock()
		if fn != nil {
			fn(f, at)
		}
	}
}

// keep appends f to the frames kept for Await and wakes the waiting Await
// calls. c.mu must be held.
func (c *Client) keep(f Frame) {
	if len(c.kept) == keepLimit {
		c.kept = c.kept[1:]
	}
	c.kept = append(c.kept, f)
	close(c.arrived)
	c.arrived = make(chan struct{})
}

// OnFrame sets the handler of every frame that is not the answer to a
// waiting Request, with the time it was read; nil removes it. The handler
// runs on the reader goroutine, one frame at a time in arrival order: it must
// return promptly and must not call Close.
//
// While no handler is set, those frames are also kept, in order, for Await
// (the latest 1024 at most) — a test reading a connection in sequence. While
// a handler is set, only frames arriving while an Await waits are kept, so
// that a load generator does not hoard the frames it has handled.
func (c *Client) OnFrame(fn func(Frame, time.Time)) {
	c.mu.Lock()
	c.onFrame = fn
	c.mu.Unlock()
}

// Await returns the first kept frame (see OnFrame) that satisfies match,
// waiting for it until ctx ends or the connection does. Kept frames before
// it are dropped, as a reader reading in sequence skips them; they were
// handed to the OnFrame handler, if any, all the same. It returns ctx's
// error, or ErrClosed when the connection ended without such a frame.
func (c *Client) Await(ctx context.Context, match func(Frame) bool) (Frame, error) {
	c.mu.Lock()
	c.awaiting++
	defer func() {
		c.mu.Lock()
		c.awaiting--
		c.mu.Unlock()
	}()
	for {
		for len(c.kept) > 0 {
			f := c.kept[0]
			c.kept = c.kept[1:]
			if match(f) {
				c.mu.Unlock()
				return f, nil
			}
		}
		arrived := c.arrived
		c.mu.Unlock()
		select {
		case <-arrived:
		case <-c.done:
			c.mu.Lock()
			if len(c.kept) == 0 {
				c.mu.Unlock()
				return Frame{}, ErrClosed
			}
			continue
		case <-ctx.Done():
			return Frame{}, ctx.Err()
		}
		c.mu.Lock()
	}
}

// Request sends a frame of type typ with data (nil: none) and a fresh id
// ("q1", "q2", …: ids given to Send should not look like these) and returns
// the answer carrying that id. An "error" answer is returned as an *Error
// (with the frame). Other errors are wrapped with typ: ctx's error when ctx
// ends first (a late answer then goes to OnFrame), ErrClosed when the
// connection ends first, or the write's error.
func (c *Client) Request(ctx context.Context, typ string, data any) (Frame, error) {
	id := "q" + strconv.FormatInt(c.nextID.Add(1), 10)
	w := make(chan Frame, 1)
	c.mu.Lock()
	c.waiters[id] = w
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiters, id)
		c.mu.Unlock()
	}()
	if err := c.Send(ctx, typ, id, data); err != nil {
		return Frame{}, fmt.Errorf("%s: %w", typ, err)
	}
	select {
	case f := <-w:
		if f.Type == "error" {
			e := &Error{Type: typ}
			if f.Error != nil {
				e.WireError = *f.Error
			}
			return f, e
		}
		return f, nil
	case <-c.done:
		return Frame{}, fmt.Errorf("%s: %w", typ, ErrClosed)
	case <-ctx.Done():
		return Frame{}, fmt.Errorf("%s: %w", typ, ctx.Err())
	}
}

// Send writes the frame {"type": typ, "id": id, "data": data} without
// waiting for an answer; an empty id and a nil data are left out. Its answer,
// when id is not empty, goes to OnFrame and Await like an event.
func (c *Client) Send(ctx context.Context, typ, id string, data any) error {
	b, err := json.Marshal(struct {
		Type string `json:"type"`
		ID   string `json:"id,omitempty"`
		Data any    `json:"data,omitempty"`
	}{typ, id, data})
	if err != nil {
		return fmt.Errorf("wsclient: %w", err)
	}
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// Close ends the connection at once (no closing handshake) and waits for the
// reader to return. It may be called more than once, but not from the
// OnFrame handler.
func (c *Client) Close() {
	c.once.Do(func() { c.ws.CloseNow() })
	<-c.done
}

// Done is closed when the reader has returned: the connection ended, by
// Close or by the server.
func (c *Client) Done() <-chan struct{} { return c.done }
