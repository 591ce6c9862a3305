package signaling

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"haven/portal/fault"
)

// frameLog collects what a relay connection hands to its send function.
type frameLog struct {
	mu     sync.Mutex
	frames []Frame
	wake   chan struct{}
}

func newFrameLog() *frameLog { return &frameLog{wake: make(chan struct{}, 1)} }

// send is the relay connection's send function.
func (l *frameLog) send(b []byte) error {
	var f Frame
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	l.mu.Lock()
	l.frames = append(l.frames, f)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return nil
}

// wait returns the n-th frame (from 0) once it has been handed over.
func (l *frameLog) wait(t *testing.T, n int) Frame {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		l.mu.Lock()
		if len(l.frames) > n {
			f := l.frames[n]
			l.mu.Unlock()
			return f
		}
		l.mu.Unlock()
		select {
		case <-l.wake:
		case <-deadline:
			t.Fatalf("frame %d was never handed to the relay", n)
		}
	}
}

// TestRelayConnServe: frames served on a relay connection run the
// registered handlers with the stand-in's identity, and everything queued
// on it — the answer, an error, events the handler sent, an unknown type's
// error — reaches its send function in order; after Close nothing more can
// be queued.
func TestRelayConnServe(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{})
	r := n.hub.Router()
	r.HandleFunc("x.whoami", func(ctx context.Context, req *Request) error {
		if err := req.Conn.Send(ctx, Event{Type: "x.event", Data: json.RawMessage(`{"n":1}`)}); err != nil {
			return err
		}
		return req.Reply(ctx, map[string]int64{"user": req.Conn.Identity().UserID})
	})
	r.HandleFunc("x.quiet", func(context.Context, *Request) error { return nil })
	r.HandleFunc("x.refuse", func(context.Context, *Request) error { return fault.New(fault.Forbidden, "not you") })

	log := newFrameLog()
	c := n.hub.RelayConn(Identity{UserID: 42, Role: "patient"}, "edge-7", log.send)
	if c.ID() != "edge-7" || c.Identity().UserID != 42 {
		t.Fatalf("relay conn id %q identity %+v", c.ID(), c.Identity())
	}
	ctx := context.Background()
	r.Serve(ctx, c, Frame{Type: "x.whoami", ID: "a"})
	r.Serve(ctx, c, Frame{Type: "x.quiet", ID: "b"})
	r.Serve(ctx, c, Frame{Type: "x.quiet"}) // no id: no answer
	r.Serve(ctx, c, Frame{Type: "x.refuse", ID: "c"})
	r.Serve(ctx, c, Frame{Type: "x.nobody", ID: "d"})

	want := []struct{ typ, id, code string }{
		{"x.event", "", ""}, {"x.whoami.ok", "a", ""}, {"x.quiet.ok", "b", ""},
		{"error", "c", "forbidden"}, {"error", "d", CodeUnknownType},
	}
	for i, w := range want {
		f := log.wait(t, i)
		code := ""
		if f.Error != nil {
			code = f.Error.Code
		}
		if f.Type != w.typ || f.ID != w.id || code != w.code {
			t.Fatalf("frame %d = %s id %q code %q, want %s id %q code %q", i, f.Type, f.ID, code, w.typ, w.id, w.code)
		}
	}
	if f := log.wait(t, 1); string(f.Data) != `{"user":42}` {
		t.Fatalf("whoami answered %s, want the stand-in's identity", f.Data)
	}

	c.Close(CloseNormal, "")
	if err := c.Push(Event{Type: "x.event", Durable: true}); !errors.Is(err, ErrClosed) {
		t.Fatalf("push after close: %v, want ErrClosed", err)
	}
	if c.Context().Err() == nil {
		t.Fatal("a closed relay connection's context is not cancelled")
	}
	if got := n.hub.stats.conns.Load(); got != 0 {
		t.Fatalf("a relay connection counts as %d connections", got)
	}
}

// TestHandoffAndForward: a handler that hands a request off sends no
// answer of its own, and frames forwarded from another node reach the
// client in the order queued, before the next answer; a malformed frame is
// refused.
func TestHandoffAndForward(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{})
	n.hub.Router().HandleFunc("x.relayed", func(_ context.Context, req *Request) error {
		req.Handoff()
		if err := req.Conn.Forward([]byte(`{"type":"x.from_owner","data":{"k":1}}`), false); err != nil {
			return err
		}
		if err := req.Conn.Forward([]byte(`not json`), true); !errors.Is(err, ErrBadEvent) {
			t.Errorf("forwarding malformed bytes: %v, want ErrBadEvent", err)
		}
		return req.Conn.Forward([]byte(`{"type":"x.relayed.ok","id":"`+req.ID+`"}`), true)
	})
	n.hub.Router().HandleFunc("x.plain", func(context.Context, *Request) error { return nil })
	c := dial(t, n, 5)
	c.hello()
	c.send("x.relayed", "r1", nil)
	c.send("x.plain", "p1", nil)
	var got []string
	for range 3 {
		f := c.read()
		got = append(got, f.Type+"/"+f.ID)
	}
	if s := strings.Join(got, " "); s != "x.from_owner/ x.relayed.ok/r1 x.plain.ok/p1" {
		t.Fatalf("client read %s", s)
	}
}
