package signaling

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkPublishToReceive measures fan-out: each op publishes one durable
// event to each of N users (one connection each) and waits until every
// connection has read it over loopback WebSocket. "single" publishes on the
// connections' hub; "memory-bus" publishes on another hub, through the
// in-process broker. Reported: deliveries/s and publish-to-read latency.
func BenchmarkPublishToReceive(b *testing.B) {
	for _, topo := range []string{"single", "memory-bus"} {
		for _, conns := range []int{1, 100, 1000} {
			b.Run(fmt.Sprintf("%s/conns=%d", topo, conns), func(b *testing.B) {
				benchFanout(b, topo, conns)
			})
		}
	}
}

func benchFanout(b *testing.B, topo string, conns int) {
	opts := Options{SendQueue: 4096}
	var pub, recv *testNode
	if topo == "single" {
		pub = startNode(b, opts)
		recv = pub
	} else {
		bus := NewMemoryBus()
		o1, o2 := opts, opts
		o1.Broker, o2.Broker = bus.Node(), bus.Node()
		pub, recv = startNode(b, o1), startNode(b, o2)
	}
	var (
		remaining atomic.Int64
		done      = make(chan struct{}, 1)
		mu        sync.Mutex
		lat       []time.Duration
	)
	for u := 1; u <= conns; u++ {
		c := dial(b, recv, int64(u))
		c.hello()
		go func() {
			for {
				f, err := c.tryRead(time.Minute)
				if err != nil {
					return
				}
				var d struct{ T int64 }
				_ = json.Unmarshal(f.Data, &d)
				l := time.Duration(time.Now().UnixNano() - d.T)
				mu.Lock()
				if len(lat) < 200000 {
					lat = append(lat, l)
				}
				mu.Unlock()
				if remaining.Add(-1) == 0 {
					done <- struct{}{}
				}
			}
		}()
	}
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		remaining.Store(int64(conns))
		data := json.RawMessage(fmt.Sprintf(`{"T":%d}`, time.Now().UnixNano()))
		for u := 1; u <= conns; u++ {
			_ = pub.hub.Publish(ctx, int64(u), Event{Type: "bench.event", Data: data, Durable: true})
		}
		<-done
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*conns)/b.Elapsed().Seconds(), "deliveries/s")
	mu.Lock()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
	mu.Unlock()
}
