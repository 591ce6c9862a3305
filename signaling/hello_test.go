package signaling

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"haven/portal/fault"
)

// TestHelloHoldsAndReplays: events published after connecting are held until
// the hello hooks have replayed; then they are delivered in order, less those
// a filter drops, after the welcome. Ephemeral events are not held.
func TestHelloHoldsAndReplays(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{})
	ctx := context.Background()
	n.hub.OnHello(func(ctx context.Context, c *Conn, hello json.RawMessage) (EventFilter, error) {
		var h struct {
			Resume int `json:"resume"`
		}
		if err := json.Unmarshal(hello, &h); err != nil {
			return nil, err
		}
		// Published while the hook runs: held, then delivered unless replayed.
		_ = n.hub.Publish(ctx, 1, Event{Type: "test.seq", Data: seqData(0, 3), Durable: true})
		for i := h.Resume; i < 3; i++ {
			if err := c.Send(ctx, Event{Type: "test.seq", Data: seqData(0, i), Durable: true}); err != nil {
				return nil, err
			}
		}
		return func(ev Event) bool {
			var e seqEvent
			_ = json.Unmarshal(ev.Data, &e)
			return ev.Type != "test.seq" || e.N >= 3
		}, nil
	})
	c := dial(t, n, 1)
	// Before hello: a durable event already replayed by the hook (n=1) and
	// an ephemeral one.
	_ = n.hub.Publish(ctx, 1, Event{Type: "test.seq", Data: seqData(0, 1), Durable: true})
	_ = n.hub.Publish(ctx, 1, Event{Type: "test.typing"})
	c.send("hello", "h", map[string]any{"protocol": 1, "resume": 1})
	var oc orderChecker
	oc.next = map[int]int{0: 1}
	var seen []string
	for _, want := range []string{"test.seq", "test.seq", "welcome", "test.seq"} {
		f, err := c.tryRead(10 * time.Second)
		if err != nil {
			t.Fatalf("after %v: %v", seen, err)
		}
		seen = append(seen, f.Type+string(f.Data))
		if f.Type != want {
			t.Fatalf("got %+v, want %s", f, want)
		}
		if f.Type == "test.seq" {
			oc.see(f)
		}
	}
	if oc.err != nil {
		t.Error(oc.err)
	}
	_ = n.hub.Publish(ctx, 1, Event{Type: "test.live"})
	if f := c.read(); f.Type != "test.live" {
		t.Errorf("got %+v, want test.live", f)
	}
}

// TestHelloHookError: a failing hook answers the hello with its error; the
// client may say hello again.
func TestHelloHookError(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{})
	var calls atomic.Int32
	n.hub.OnHello(func(context.Context, *Conn, json.RawMessage) (EventFilter, error) {
		if calls.Add(1) == 1 {
			return nil, fault.Wrap(fault.New(fault.Unavailable, "try again"), errors.New("db down"))
		}
		return nil, nil
	})
	c := dial(t, n, 1)
	c.send("hello", "h1", map[string]any{"protocol": 1})
	if f := c.read(); f.Type != "error" || f.Error == nil || f.Error.Code != "unavailable" || f.Error.Message != "try again" {
		t.Fatalf("got %+v, want unavailable error", f)
	}
	c.hello()
}

// TestGapDuringHello: a gap reported while hooks run ends the hello with a
// resync, since the replay may predate the loss.
func TestGapDuringHello(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{})
	var first atomic.Bool
	first.Store(true)
	n.hub.OnHello(func(ctx context.Context, c *Conn, _ json.RawMessage) (EventFilter, error) {
		if first.Swap(false) {
			brokerSink{n.hub}.HandleGap([]string{userTopic(c.Identity().UserID)})
		}
		return nil, nil
	})
	c := dial(t, n, 1)
	c.hello()
	if f := c.read(); f.Type != "resync" {
		t.Fatalf("got %+v, want resync", f)
	}
	c.hello()
	_ = n.hub.Publish(context.Background(), 1, Event{Type: "test.live", Durable: true})
	if f := c.read(); f.Type != "test.live" {
		t.Errorf("got %+v, want test.live", f)
	}
}

// TestTopicSubscription: a handler subscribes its connection to a topic;
// PublishTopic reaches it until it unsubscribes.
func TestTopicSubscription(t *testing.T) {
	checkGoroutines(t)
	r := NewRouter()
	r.HandleFunc("room.join", func(ctx context.Context, req *Request) error { return req.Conn.Subscribe(ctx, "room.a") })
	r.HandleFunc("room.leave", func(ctx context.Context, req *Request) error { req.Conn.Unsubscribe("room.a"); return nil })
	n := startNode(t, Options{Router: r})
	c := dial(t, n, 1)
	c.hello()
	c.send("room.join", "j", nil)
	if f := c.read(); f.Type != "room.join.ok" {
		t.Fatalf("got %+v", f)
	}
	ctx := context.Background()
	_ = n.hub.PublishTopic(ctx, "room.a", Event{Type: "room.event", Durable: true})
	if f := c.read(); f.Type != "room.event" {
		t.Fatalf("got %+v, want room.event", f)
	}
	c.send("room.leave", "l", nil)
	if f := c.read(); f.Type != "room.leave.ok" {
		t.Fatalf("got %+v", f)
	}
	_ = n.hub.PublishTopic(ctx, "room.a", Event{Type: "room.event", Durable: true})
	c.send("ping", "p", nil)
	if f := c.read(); f.Type != "pong" {
		t.Errorf("got %+v after leaving, want pong", f)
	}
}

// TestRouterRefusesReserved: hub frame types cannot be taken over.
func TestRouterRefusesReserved(t *testing.T) {
	for _, typ := range []string{"hello", "ping", "presence.set", "chat.send.ok", "Bad", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Handle(%q) did not panic", typ)
				}
			}()
			NewRouter().HandleFunc(typ, func(context.Context, *Request) error { return nil })
		}()
	}
}
