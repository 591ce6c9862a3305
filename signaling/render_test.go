package signaling

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// TestRender: a renderer opens "sealed" events on the delivering node, on
// both nodes of a bus; a render failure makes the connections resync.
func TestRender(t *testing.T) {
	checkGoroutines(t)
	nodes := topologies()["memory-bus"](t, Options{})
	for _, n := range nodes {
		n.hub.Render("test.sealed", func(_ context.Context, ev Event) (Event, error) {
			if string(ev.Data) == `"bad"` {
				return Event{}, errors.New("cannot open")
			}
			return Event{Type: "test.opened", Data: json.RawMessage(`{"body":"hi"}`), Durable: ev.Durable}, nil
		})
	}
	local, remote := dial(t, nodes[0], 1), dial(t, nodes[1], 1)
	local.hello()
	remote.hello()
	ctx := context.Background()
	_ = nodes[0].hub.Publish(ctx, 1, Event{Type: "test.sealed", Data: json.RawMessage(`"c2VhbGVk"`), Durable: true})
	for _, c := range []*client{local, remote} {
		if f := c.read(); f.Type != "test.opened" || string(f.Data) != `{"body":"hi"}` {
			t.Errorf("got %+v, want the opened event", f)
		}
	}
	_ = nodes[0].hub.Publish(ctx, 1, Event{Type: "test.sealed", Data: json.RawMessage(`"bad"`), Durable: true})
	for _, c := range []*client{local, remote} {
		if f := c.read(); f.Type != "resync" {
			t.Errorf("got %+v, want resync", f)
		}
	}
}

// TestPush: Push never waits; a durable push to a full queue closes the
// connection as a slow consumer and reports ErrClosed.
func TestPush(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{SendQueue: 4})
	pushed := make(chan error, 1)
	n.hub.OnConnect(func(_ context.Context, c *Conn) {
		var err error
		for i := 0; i < 100000 && err == nil; i++ {
			err = c.Push(Event{Type: "test.push", Durable: true})
		}
		pushed <- err
	})
	c := dial(t, n, 1)
	if err := <-pushed; !errors.Is(err, ErrClosed) {
		t.Errorf("Push into a full queue: %v, want ErrClosed", err)
	}
	if code := c.closeStatus(); code != CloseSlowConsumer {
		t.Errorf("closed with %v, want %v", code, CloseSlowConsumer)
	}
	if err := (&Conn{}).Push(Event{Type: "Bad"}); !errors.Is(err, ErrBadEvent) {
		t.Errorf("Push of a malformed event: %v, want ErrBadEvent", err)
	}
}
