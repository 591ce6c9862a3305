package signaling

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"
)

// TestSlowConsumerClosed: a client that stops reading is closed with 4008,
// its connection is released, a reading client of another user keeps
// receiving in order, and the publisher is never blocked.
func TestSlowConsumerClosed(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{SendQueue: 64, WriteTimeout: 60 * time.Second})
	var (
		mu      sync.Mutex
		serverC = map[int64]weak.Pointer[Conn]{}
	)
	n.hub.OnConnect(func(_ context.Context, c *Conn) {
		mu.Lock()
		serverC[c.Identity().UserID] = weak.Make(c)
		mu.Unlock()
	})
	slow := dial(t, n, 1)
	slow.hello()
	fast := dial(t, n, 2)
	fast.hello()

	var oc orderChecker
	fastGot := make(chan int)
	go func() {
		got := 0
		defer func() { fastGot <- got }()
		for {
			f, err := fast.tryRead(20 * time.Second)
			if err != nil || f.Type == "test.end" {
				return
			}
			oc.see(f)
			got++
		}
	}()

	// The slow client reads nothing from here on. Publish 1 KiB events to it
	// until the hub gives up on it (socket buffers fill first), and one event
	// in 100 to the fast client.
	data := seqData(0, 0)
	pad := `{"pad":"` + strings.Repeat("x", 1024) + `"}`
	var published, fastSent int
	var worst time.Duration
	for published = 0; n.hub.stats.slowCloses.Load() == 0; published++ {
		if published > 500000 {
			t.Fatal("slow consumer never closed")
		}
		start := time.Now()
		if err := n.hub.Publish(context.Background(), 1, Event{Type: "test.pad", Data: []byte(pad), Durable: true}); err != nil {
			t.Fatal(err)
		}
		worst = max(worst, time.Since(start))
		if published%100 == 0 {
			data = seqData(0, fastSent)
			fastSent++
			if err := n.hub.Publish(context.Background(), 2, Event{Type: "test.seq", Data: data, Durable: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The publisher keeps going after the close, without blocking.
	for i := range 1000 {
		_ = n.hub.Publish(context.Background(), 1, Event{Type: "test.pad", Data: []byte(pad), Durable: true})
		if i%100 == 0 {
			_ = n.hub.Publish(context.Background(), 2, Event{Type: "test.seq", Data: seqData(0, fastSent), Durable: true})
			fastSent++
		}
	}
	t.Logf("publisher: %d events to the stalled client before its close, slowest Publish call %v", published, worst)
	if published <= 64 {
		t.Errorf("closed after %d events, before the queue of 64 could fill", published)
	}

	// The stalled client, reading again, finds the slow-consumer close.
	if code := slow.closeStatus(); code != CloseSlowConsumer {
		t.Errorf("slow client closed with %v, want %v", code, CloseSlowConsumer)
	}
	_ = n.hub.Publish(context.Background(), 2, Event{Type: "test.end"})
	if got := <-fastGot; got != fastSent || oc.err != nil {
		t.Errorf("fast client got %d of %d events (%v)", got, fastSent, oc.err)
	}
	if c := n.hub.stats.slowCloses.Load(); c != 1 {
		t.Errorf("slow-consumer closes = %d, want 1", c)
	}
	waitFor(t, "slow connection released", func() bool {
		runtime.GC()
		mu.Lock()
		defer mu.Unlock()
		return serverC[1].Value() == nil && n.hub.stats.conns.Load() == 1
	})
}
