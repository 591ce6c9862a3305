package signaling

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"haven/portal/fault"
)

// testAuth authenticates "X-Test-User: <id>[,<session>]".
var testAuth = AuthenticatorFunc(func(r *http.Request) (Identity, error) {
	v := r.Header.Get("X-Test-User")
	if v == "" {
		return Identity{}, fault.New(fault.Unauthenticated, "sign in")
	}
	idStr, sess, _ := strings.Cut(v, ",")
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil {
		return Identity{}, fault.New(fault.Unauthenticated, "sign in")
	}
	return Identity{UserID: id, Role: "patient", SessionID: sess}, nil
})

// testNode is a hub served by an httptest server.
type testNode struct {
	hub *Hub
	srv *httptest.Server
	url string
}

// startNode starts a hub with opts (Auth defaults to testAuth) and stops it
// when the test ends.
func startNode(t testing.TB, opts Options) *testNode {
	t.Helper()
	if opts.Auth == nil {
		opts.Auth = testAuth
	}
	h, err := NewHub(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		srv.Close()
	})
	return &testNode{hub: h, srv: srv, url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"}
}

// checkGoroutines fails the test when goroutines started during it are
// still running after every other cleanup (registered before it) has run.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		var n int
		for range 200 {
			n = runtime.NumGoroutine()
			if n <= before {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		buf := make([]byte, 1<<20)
		t.Errorf("goroutine leak: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	})
}

// client is the test side of a connection.
type client struct {
	t  testing.TB
	ws *websocket.Conn
}

// dial connects as user; extra headers may be given as name, value pairs.
func dial(t testing.TB, n *testNode, user int64, hdr ...string) *client {
	t.Helper()
	c, err := tryDial(n, strconv.FormatInt(user, 10), hdr...)
	if err != nil {
		t.Fatalf("dial user %d: %v", user, err)
	}
	cl := &client{t: t, ws: c}
	t.Cleanup(func() { c.CloseNow() })
	return cl
}

func tryDial(n *testNode, user string, hdr ...string) (*websocket.Conn, error) {
	h := http.Header{}
	if user != "" {
		h.Set("X-Test-User", user)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Set(hdr[i], hdr[i+1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, n.url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("status %d: %w", resp.StatusCode, err)
		}
		return nil, err
	}
	c.SetReadLimit(1 << 20)
	return c, nil
}

// sendRaw writes a text frame.
func (c *client) sendRaw(s string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// send writes a frame.
func (c *client) send(typ, id string, data any) {
	c.t.Helper()
	f := map[string]any{"type": typ}
	if id != "" {
		f["id"] = id
	}
	if data != nil {
		f["data"] = data
	}
	b, _ := json.Marshal(f)
	c.sendRaw(string(b))
}

// read returns the next frame, failing the test on error or after 10 s.
func (c *client) read() Frame {
	c.t.Helper()
	f, err := c.tryRead(10 * time.Second)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

func (c *client) tryRead(d time.Duration) (Frame, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	if err != nil {
		return Frame{}, err
	}
	var f Frame
	if err := json.Unmarshal(b, &f); err != nil {
		return Frame{}, fmt.Errorf("server sent invalid JSON %q: %w", b, err)
	}
	return f, nil
}

// stream reads frames on a goroutine until the connection ends, so that a
// test can wait for frames without a read deadline (which would close it).
func (c *client) stream() <-chan Frame {
	ch := make(chan Frame, 256)
	go func() {
		defer close(ch)
		for {
			f, err := c.tryRead(time.Minute)
			if err != nil {
				return
			}
			ch <- f
		}
	}()
	return ch
}

// hello says hello and returns the welcome frame, skipping nothing: the
// next frame must be the welcome.
func (c *client) hello() Frame {
	c.t.Helper()
	c.send("hello", "h", map[string]any{"protocol": 1})
	f := c.read()
	if f.Type != "welcome" || f.ID != "h" {
		c.t.Fatalf("hello answered %+v, want welcome", f)
	}
	return f
}

// closeStatus reads until the connection ends and returns its close code.
func (c *client) closeStatus() websocket.StatusCode {
	c.t.Helper()
	for {
		_, err := c.tryRead(20 * time.Second)
		if err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

// waitFor polls cond for up to 15 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for range 1500 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// seqEvent is the data of the test publishers' events.
type seqEvent struct {
	P int `json:"p"`
	N int `json:"n"`
}

func seqData(p, n int) json.RawMessage {
	b, _ := json.Marshal(seqEvent{p, n})
	return b
}

// orderChecker verifies that each publisher's events arrive exactly once, in
// order.
type orderChecker struct {
	mu   sync.Mutex
	next map[int]int
	err  error
}

func (o *orderChecker) see(f Frame) {
	var e seqEvent
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := json.Unmarshal(f.Data, &e); err != nil && o.err == nil {
		o.err = fmt.Errorf("bad event %s", f.Data)
		return
	}
	if o.next == nil {
		o.next = map[int]int{}
	}
	if e.N != o.next[e.P] && o.err == nil {
		o.err = fmt.Errorf("publisher %d: got event %d, want %d", e.P, e.N, o.next[e.P])
	}
	o.next[e.P] = e.N + 1
}
