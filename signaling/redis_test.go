package signaling

import (
	"context"
	"testing"
	"time"
)

// expectEvent reads frames until one of type typ, failing on any other
// frame type except those listed in skip.
func expectEvent(t *testing.T, c *client, typ string, skip ...string) Frame {
	t.Helper()
	for {
		f := c.read()
		if f.Type == typ {
			return f
		}
		ok := false
		for _, s := range skip {
			ok = ok || f.Type == s
		}
		if !ok {
			t.Fatalf("got %+v, want %s", f, typ)
		}
	}
}

// TestRedisSubscriptionLost: when a node's pub/sub connection is killed, its
// connections are told to resync once Redis confirms the re-subscription;
// after hello, delivery across nodes resumes.
func TestRedisSubscriptionLost(t *testing.T) {
	checkGoroutines(t)
	prefix := "haventest:" + randomName() + ":"
	nameB := "haven-test-" + randomName()
	a := redisNode(t, prefix, "haven-test-"+randomName(), Options{})
	b := redisNode(t, prefix, nameB, Options{})

	other := dial(t, b, 2) // a user who receives nothing: also told to resync
	other.hello()
	c := dial(t, b, 1)
	c.hello()
	ctx := context.Background()
	if err := a.hub.Publish(ctx, 1, Event{Type: "test.before", Durable: true}); err != nil {
		t.Fatal(err)
	}
	expectEvent(t, c, "test.before")

	if killed := killPubSub(t, nameB); killed == 0 {
		t.Fatal("found no pub/sub connection to kill")
	}
	expectEvent(t, c, "resync")
	expectEvent(t, other, "resync")

	// Published while the client holds (before its hello): delivered after
	// the welcome, once.
	if err := a.hub.Publish(ctx, 1, Event{Type: "test.held", Durable: true}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let it cross Redis before the hello
	c.hello()
	expectEvent(t, c, "test.held")
	if err := a.hub.Publish(ctx, 1, Event{Type: "test.after", Durable: true}); err != nil {
		t.Fatal(err)
	}
	expectEvent(t, c, "test.after")
	if got := b.hub.stats.resyncs.Load(); got != 2 {
		t.Errorf("resyncs on node B = %d, want 2", got)
	}
}

// TestRedisPublishLossReported: publications that cannot leave a node (its
// outbox overflowed) are followed by a gap marker, so the remote connection
// is told to resync rather than silently missing events.
func TestRedisPublishLossReported(t *testing.T) {
	checkGoroutines(t)
	prefix := "haventest:" + randomName() + ":"
	opts := Options{}
	rdb := redisClient(t, "haven-test-"+randomName())
	opts.Broker = NewRedisBroker(rdb, RedisBrokerOptions{Prefix: prefix, Outbox: 1})
	a := startNode(t, opts)
	b := redisNode(t, prefix, "haven-test-"+randomName(), Options{SendQueue: 4096})
	c := dial(t, b, 1)
	c.hello()
	lost := 0
	for range 500 {
		if err := a.hub.broker.Publish(userTopic(1), encodeEventPayload(&Event{Type: "test.burst", Durable: true})); err != nil {
			lost++
		}
	}
	if lost == 0 {
		t.Skip("the outbox never overflowed; cannot provoke a loss")
	}
	expectEvent(t, c, "resync", "test.burst")
}

// TestRedisNodesIgnoreOwnMessages: a node does not deliver its own
// publications twice (locally and back from Redis).
func TestRedisNodesIgnoreOwnMessages(t *testing.T) {
	checkGoroutines(t)
	prefix := "haventest:" + randomName() + ":"
	a := redisNode(t, prefix, "haven-test-"+randomName(), Options{})
	c := dial(t, a, 1)
	c.hello()
	for i := range 3 {
		if err := a.hub.Publish(context.Background(), 1, Event{Type: "test.seq", Data: seqData(0, i), Durable: true}); err != nil {
			t.Fatal(err)
		}
	}
	var oc orderChecker
	for range 3 {
		oc.see(c.read())
	}
	if f, err := c.tryRead(300 * time.Millisecond); err == nil {
		t.Errorf("duplicate delivery: %+v", f)
	}
	if oc.err != nil {
		t.Error(oc.err)
	}
}
