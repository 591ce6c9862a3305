package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"haven/signaling"
)

// tconn is the test side of one WebSocket connection. A reader goroutine
// routes answers (frames with an id) to their requests and hands every
// other frame to onEvent, in arrival order.
type tconn struct {
	t       testing.TB
	ws      *websocket.Conn
	user    int64
	onEvent func(signaling.Frame)

	mu      sync.Mutex
	waiters map[string]chan signaling.Frame
	nextID  atomic.Int64
	done    chan struct{}
}

// dial connects user (with role) to n; onEvent may be nil.
func dial(t testing.TB, n *node, user int64, role string, onEvent func(signaling.Frame)) (*tconn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{}
	h.Set("X-Test-User", strconv.FormatInt(user, 10)+","+role)
	ws, _, err := websocket.Dial(ctx, n.url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(1 << 22)
	c := &tconn{t: t, ws: ws, user: user, onEvent: onEvent, waiters: map[string]chan signaling.Frame{}, done: make(chan struct{})}
	go c.readLoop()
	t.Cleanup(c.close)
	return c, nil
}

func mustDial(t testing.TB, n *node, user int64, role string, onEvent func(signaling.Frame)) *tconn {
	t.Helper()
	c, err := dial(t, n, user, role, onEvent)
	if err != nil {
		t.Fatalf("dial %d: %v", user, err)
	}
	return c
}

func (c *tconn) close() {
	c.ws.CloseNow()
	<-c.done
}

func (c *tconn) readLoop() {
	defer close(c.done)
	for {
		_, b, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		var f signaling.Frame
		if err := json.Unmarshal(b, &f); err != nil {
			c.t.Errorf("server sent invalid JSON %q", b)
			return
		}
		if f.ID != "" {
			c.mu.Lock()
			w := c.waiters[f.ID]
			delete(c.waiters, f.ID)
			c.mu.Unlock()
			if w != nil {
				w <- f
			}
			continue
		}
		if c.onEvent != nil {
			c.onEvent(f)
		}
	}
}

// write sends a frame without waiting for an answer.
func (c *tconn) write(typ, id string, data any) error {
	f := map[string]any{"type": typ}
	if id != "" {
		f["id"] = id
	}
	if data != nil {
		f["data"] = data
	}
	b, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// request sends a frame with a fresh id and returns its answer.
func (c *tconn) request(typ string, data any) (signaling.Frame, error) {
	id := "r" + strconv.FormatInt(c.nextID.Add(1), 10)
	w := make(chan signaling.Frame, 1)
	c.mu.Lock()
	c.waiters[id] = w
	c.mu.Unlock()
	if err := c.write(typ, id, data); err != nil {
		return signaling.Frame{}, err
	}
	select {
	case f := <-w:
		if f.Type == "error" {
			return f, fmt.Errorf("%s: %s: %s", typ, f.Error.Code, f.Error.Message)
		}
		return f, nil
	case <-c.done:
		return signaling.Frame{}, errors.New("connection closed")
	case <-time.After(15 * time.Second):
		return signaling.Frame{}, fmt.Errorf("%s: no answer", typ)
	}
}

// mustRequest is request failing the test on error; it decodes the answer's
// data into out when out is not nil.
func (c *tconn) mustRequest(typ string, data, out any) {
	c.t.Helper()
	f, err := c.request(typ, data)
	if err != nil {
		c.t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(f.Data, out); err != nil {
			c.t.Fatalf("%s answer %s: %v", typ, f.Data, err)
		}
	}
}

// hello says hello with a resume map (nil: none) and waits for welcome.
func (c *tconn) hello(resume map[int64]int64) error {
	_, err := c.request("hello", helloData(resume))
	return err
}

func helloData(resume map[int64]int64) map[string]any {
	d := map[string]any{"protocol": 1}
	if resume != nil {
		r := map[string]int64{}
		for k, v := range resume {
			r[strconv.FormatInt(k, 10)] = v
		}
		d["chat"] = map[string]any{"resume": r}
	}
	return d
}

// sendMsg sends a chat message and returns the ack.
func (c *tconn) sendMsg(conv int64, clientID, body string) (Sent, error) {
	f, err := c.request(FrameSend, map[string]any{"conversation": conv, "client_id": clientID, "body": body})
	if err != nil {
		return Sent{}, err
	}
	var s Sent
	err = json.Unmarshal(f.Data, &s)
	return s, err
}

// collector records the frames of one connection.
type collector struct {
	mu     sync.Mutex
	frames []signaling.Frame
	wake   chan struct{}
}

func newCollector() *collector { return &collector{wake: make(chan struct{}, 1)} }

func (k *collector) add(f signaling.Frame) {
	k.mu.Lock()
	k.frames = append(k.frames, f)
	k.mu.Unlock()
	select {
	case k.wake <- struct{}{}:
	default:
	}
}

// waitFor returns the first frame of type typ satisfying match (nil: any),
// failing the test after 10 s.
func (k *collector) waitFor(t testing.TB, typ string, match func(json.RawMessage) bool) signaling.Frame {
	t.Helper()
	deadline := time.After(10 * time.Second)
	seen := 0
	for {
		k.mu.Lock()
		fs := k.frames
		k.mu.Unlock()
		for ; seen < len(fs); seen++ {
			if f := fs[seen]; f.Type == typ && (match == nil || match(f.Data)) {
				return f
			}
		}
		select {
		case <-k.wake:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", typ)
		}
	}
}

// count returns how many frames of type typ were seen.
func (k *collector) count(typ string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for _, f := range k.frames {
		if f.Type == typ {
			n++
		}
	}
	return n
}
