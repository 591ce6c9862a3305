package signaling

import (
	"context"
	"net/http"
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
