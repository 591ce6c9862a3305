package signaling

import (
	"context"
	"sync"
	"testing"
	"time"
)

// topologies returns the nodes of each deployment shape the invariants are
// checked on: one hub; two hubs on the in-process bus; two hubs on Redis.
func topologies() map[string]func(t *testing.T, opts Options) []*testNode {
	return map[string]func(t *testing.T, opts Options) []*testNode{
		"single": func(t *testing.T, opts Options) []*testNode {
			return []*testNode{startNode(t, opts)}
		},
		"memory-bus": func(t *testing.T, opts Options) []*testNode {
			bus := NewMemoryBus()
			a, b := opts, opts
			a.Broker, b.Broker = bus.Node(), bus.Node()
			p := NewMemoryPresence()
			a.Presence, b.Presence = p, p
			return []*testNode{startNode(t, a), startNode(t, b)}
		},
		"redis": func(t *testing.T, opts Options) []*testNode {
			prefix := "haventest:" + randomName() + ":"
			return []*testNode{
				redisNode(t, prefix, "haven-test-"+randomName(), opts),
				redisNode(t, prefix, "haven-test-"+randomName(), opts),
			}
		},
	}
}

// TestDeliveryExactlyOnceInOrder: with concurrent publishers on every node,
// every connection of every user receives every durable event exactly once,
// in each publisher's order.
func TestDeliveryExactlyOnceInOrder(t *testing.T) {
	const users, perUser, publishers, events = 6, 3, 4, 150
	for name, topo := range topologies() {
		t.Run(name, func(t *testing.T) {
			checkGoroutines(t)
			nodes := topo(t, Options{SendQueue: 1 << 14})
			type conn struct {
				c   *client
				oc  orderChecker
				got int
				err error
			}
			var conns []*conn
			for u := int64(1); u <= users; u++ {
				for k := range perUser {
					c := dial(t, nodes[k%len(nodes)], u)
					c.hello()
					conns = append(conns, &conn{c: c})
				}
			}
			var readers sync.WaitGroup
			for _, rc := range conns {
				readers.Add(1)
				go func() {
					defer readers.Done()
					for rc.got < publishers*events {
						f, err := rc.c.tryRead(20 * time.Second)
						if err != nil {
							rc.err = err
							return
						}
						rc.oc.see(f)
						rc.got++
					}
				}()
			}
			var pubs sync.WaitGroup
			for p := range publishers {
				pubs.Add(1)
				go func() {
					defer pubs.Done()
					hub := nodes[p%len(nodes)].hub
					for n := range events {
						for u := int64(1); u <= users; u++ {
							if err := hub.Publish(context.Background(), u, Event{Type: "test.seq", Data: seqData(p, n), Durable: true}); err != nil {
								t.Errorf("publish: %v", err)
								return
							}
						}
					}
				}()
			}
			pubs.Wait()
			readers.Wait()
			for i, rc := range conns {
				if rc.err != nil {
					t.Errorf("conn %d: read after %d events: %v", i, rc.got, rc.err)
				}
				if rc.oc.err != nil {
					t.Errorf("conn %d: %v", i, rc.oc.err)
				}
			}
			for _, n := range nodes {
				if s := n.hub.stats.slowCloses.Load(); s != 0 {
					t.Errorf("slow-consumer closes = %d, want 0", s)
				}
			}
			// Nothing more arrives: no duplicates after the last event.
			var extra sync.WaitGroup
			for i, rc := range conns {
				extra.Go(func() {
					if f, err := rc.c.tryRead(200 * time.Millisecond); err == nil {
						t.Errorf("conn %d: unexpected extra frame %+v", i, f)
					}
				})
			}
			extra.Wait()
		})
	}
}
