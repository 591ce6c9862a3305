package signaling

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestUnansweredPingDropsConnection: a client that stops reading (and so
// stops answering pings) is dropped, while a reading client stays.
func TestUnansweredPingDropsConnection(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{PingInterval: 50 * time.Millisecond, PongTimeout: 100 * time.Millisecond})
	live := dial(t, n, 1)
	live.hello()
	errc := make(chan error, 1)
	go func() {
		_, err := live.tryRead(30 * time.Second) // reading answers pings
		errc <- err
	}()
	mute := dial(t, n, 2)
	mute.hello() // then never reads again

	waitFor(t, "the mute connection dropped", func() bool {
		return n.hub.stats.pingTimeouts.Load() == 1 && n.hub.stats.conns.Load() == 1
	})
	// The reading client survived many ping periods and still gets events.
	if err := n.hub.Publish(context.Background(), 1, Event{Type: "test.after", Durable: true}); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("reading client: %v", err)
	}
	if got := n.hub.stats.pingTimeouts.Load(); got != 1 {
		t.Errorf("ping timeouts = %d, want 1", got)
	}
}

// TestHelloTimeout: a connection that never says hello is closed with 1008.
func TestHelloTimeout(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{HelloTimeout: 100 * time.Millisecond})
	c := dial(t, n, 1)
	if code := c.closeStatus(); code != ClosePolicyViolation {
		t.Errorf("closed with %v, want %v", code, ClosePolicyViolation)
	}
}

// TestSessionEnd: CloseSession and an expiring session close with 4001.
func TestSessionEnd(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{})
	a := dial(t, n, 1, "X-Test-User", "1,s1")
	a.hello()
	b := dial(t, n, 1, "X-Test-User", "1,s2")
	b.hello()
	n.hub.CloseSession("s1")
	if code := a.closeStatus(); code != CloseUnauthenticated {
		t.Errorf("closed with %v, want %v", code, CloseUnauthenticated)
	}
	n.hub.CloseUser(1, CloseForbidden, "access changed")
	if code := b.closeStatus(); code != CloseForbidden {
		t.Errorf("closed with %v, want %v", code, CloseForbidden)
	}

	exp := startNode(t, Options{Auth: AuthenticatorFunc(func(r *http.Request) (Identity, error) {
		return Identity{UserID: 3, Role: "patient", ExpiresAt: time.Now().Add(300 * time.Millisecond)}, nil
	})})
	c := dial(t, exp, 3)
	c.hello()
	if code := c.closeStatus(); code != CloseUnauthenticated {
		t.Errorf("expired session closed with %v, want %v", code, CloseUnauthenticated)
	}
}

// TestSlowHandlersDoNotDropABusyClient: a client whose frames queue behind
// slow handlers (an overloaded database) answers pings only when the reader
// reaches them, after its frames; it is alive, since its frames keep
// arriving, and must not be dropped for a late pong.
func TestSlowHandlersDoNotDropABusyClient(t *testing.T) {
	checkGoroutines(t)
	r := NewRouter()
	r.HandleFunc("test.slow", func(ctx context.Context, req *Request) error {
		time.Sleep(60 * time.Millisecond)
		return nil
	})
	n := startNode(t, Options{Router: r, PingInterval: 50 * time.Millisecond, PongTimeout: 100 * time.Millisecond,
		HandlerTimeout: time.Second, Rate: 1000, Burst: 1000})
	c := dial(t, n, 1)
	c.hello()
	const frames = 20 // 1.2 s of handler time, many ping periods
	for i := range frames {
		c.send("test.slow", "s"+strconv.Itoa(i), nil)
	}
	for i := range frames {
		f, err := c.tryRead(10 * time.Second)
		if err != nil {
			t.Fatalf("answer %d: %v (ping timeouts %d)", i, err, n.hub.stats.pingTimeouts.Load())
		}
		if f.Type != "test.slow.ok" || f.ID != "s"+strconv.Itoa(i) {
			t.Fatalf("answer %d = %s %s, want test.slow.ok s%d", i, f.Type, f.ID, i)
		}
	}
	if got := n.hub.stats.pingTimeouts.Load(); got != 0 {
		t.Fatalf("a busy client was dropped %d times for a late pong", got)
	}
	if n.hub.stats.pingsBusy.Load() == 0 {
		t.Fatal("no late pong was forgiven: the test did not exercise the busy path")
	}
}
