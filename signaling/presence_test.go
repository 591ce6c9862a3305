package signaling

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// presenceWatch follows the presence events a watcher's connection
// receives, on a goroutine, recording the last state seen per user.
type presenceWatch struct {
	frames <-chan Frame
	last   map[int64]PresenceState
}

func watchFrames(c *client) *presenceWatch {
	return &presenceWatch{frames: c.stream(), last: map[int64]PresenceState{}}
}

// next returns the next frame, failing after 10 s.
func (p *presenceWatch) next(t *testing.T) Frame {
	t.Helper()
	select {
	case f, ok := <-p.frames:
		if !ok {
			t.Fatal("watcher connection ended")
		}
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for a frame")
	}
	return Frame{}
}

// expect reads presence events until one for user with state want; unless
// others are allowed (nodes writing concurrently pass through intermediate
// states), another state for user fails the test.
func (p *presenceWatch) expect(t *testing.T, user int64, want PresenceState, others bool) {
	t.Helper()
	for {
		f := p.next(t)
		if f.Type != "presence" {
			t.Fatalf("got %+v, want a presence event", f)
		}
		var d presenceEventData
		if err := json.Unmarshal(f.Data, &d); err != nil {
			t.Fatal(err)
		}
		p.last[d.User] = d.State
		if d.User != user {
			continue
		}
		if d.State == want {
			return
		}
		if !others {
			t.Fatalf("user %d presence %v, want %v", user, d.State, want)
		}
	}
}

// settled drains events until the last state seen for user is want and
// nothing more arrives for a moment; it fails after 10 s otherwise.
func (p *presenceWatch) settled(t *testing.T, user int64, want PresenceState) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case f, ok := <-p.frames:
			if !ok {
				t.Fatal("watcher connection ended")
			}
			var d presenceEventData
			if f.Type == "presence" && json.Unmarshal(f.Data, &d) == nil {
				p.last[d.User] = d.State
			}
		case <-time.After(300 * time.Millisecond):
			if p.last[user] == want {
				return
			}
		case <-deadline:
			t.Fatalf("user %d settled on %v, want %v", user, p.last[user], want)
		}
	}
}

func setPresence(t *testing.T, c *client, s string) {
	t.Helper()
	c.send("presence.set", "ps", map[string]string{"state": s})
	if f := c.read(); f.Type != "presence.set.ok" {
		t.Fatalf("presence.set answered %+v", f)
	}
}

// TestPresenceAcrossDevices: online while any device is active, away when
// all are away, offline when none is connected; watchers get each change,
// on one node and across two (in-process bus and Redis).
func TestPresenceAcrossDevices(t *testing.T) {
	for name, topo := range topologies() {
		t.Run(name, func(t *testing.T) {
			checkGoroutines(t)
			nodes := topo(t, Options{})
			ctx := context.Background()
			const watcher, target = 10, 11
			w := dial(t, nodes[0], watcher)
			w.hello()
			pw := watchFrames(w)
			if err := nodes[0].hub.WatchPresence(ctx, watcher, target); err != nil {
				t.Fatal(err)
			}
			pw.expect(t, target, Offline, false)

			last := nodes[len(nodes)-1]
			d1 := dial(t, last, target)
			d1.hello()
			pw.expect(t, target, Online, false)
			d2 := dial(t, nodes[0], target)
			d2.hello()
			setPresence(t, d1, "away")
			setPresence(t, d2, "away")
			// Nodes write their views asynchronously: intermediate states may
			// be seen, but the store and the watcher settle on away.
			waitFor(t, "the store to say away", func() bool {
				got, err := nodes[0].hub.Presence(ctx, []int64{target, 12})
				return err == nil && got[target] == Away && got[12] == Offline
			})
			pw.settled(t, target, Away)
			setPresence(t, d2, "online")
			pw.expect(t, target, Online, false)
			d1.ws.CloseNow()
			d2.ws.CloseNow()
			pw.expect(t, target, Offline, true) // may pass through away
			pw.settled(t, target, Offline)

			nodes[0].hub.UnwatchPresence(watcher, target)
			d3 := dial(t, last, target)
			d3.hello()
			w.send("ping", "p", nil)
			if f := pw.next(t); f.Type != "pong" {
				t.Errorf("after unwatch got %+v, want pong", f)
			}
		})
	}
}

// TestRedisPresenceLapses: a node that stops refreshing (it died) stops
// counting after the TTL, while a live node's entry holds.
func TestRedisPresenceLapses(t *testing.T) {
	rdb := redisClient(t, "haven-test-"+randomName())
	prefix := "haventest:" + randomName() + ":"
	store := NewRedisPresence(rdb, prefix, 300*time.Millisecond)
	ctx := context.Background()
	if p, err := store.Set(ctx, "dead", 7, Online); err != nil || p.State != Online {
		t.Fatalf("Set = %+v, %v", p, err)
	}
	p1, err := store.Set(ctx, "live", 7, Away)
	if err != nil || p1.State != Online {
		t.Fatalf("Set = %+v, %v; want online (the dead node still counts)", p1, err)
	}
	waitFor(t, "the dead node's entry to lapse", func() bool {
		_ = store.Refresh(ctx, "live", map[int64]PresenceState{7: Away})
		got, err := store.Get(ctx, []int64{7})
		return err == nil && got[7].State == Away
	})
	p2, err := store.Set(ctx, "live", 7, Offline)
	if err != nil || p2.State != Offline || p2.Version <= p1.Version {
		t.Errorf("Set offline = %+v, %v; want offline with a version above %d", p2, err, p1.Version)
	}
}

// TestPresenceSweepSeesDeadNode: a watcher learns that a user went offline
// when the node holding the user's connection dies without writing it off.
func TestPresenceSweepSeesDeadNode(t *testing.T) {
	checkGoroutines(t)
	prefix := "haventest:" + randomName() + ":"
	rdb := redisClient(t, "haven-test-"+randomName())
	opts := Options{PresenceRefresh: 100 * time.Millisecond}
	opts.Broker = NewRedisBroker(rdb, RedisBrokerOptions{Prefix: prefix})
	opts.Presence = NewRedisPresence(rdb, prefix, 300*time.Millisecond)
	n := startNode(t, opts)
	ctx := context.Background()
	// A node that writes the user online and then dies.
	if _, err := NewRedisPresence(rdb, prefix, 300*time.Millisecond).Set(ctx, "dead-node", 21, Online); err != nil {
		t.Fatal(err)
	}
	w := dial(t, n, 20)
	w.hello()
	pw := watchFrames(w)
	if err := n.hub.WatchPresence(ctx, 20, 21); err != nil {
		t.Fatal(err)
	}
	pw.expect(t, 21, Online, false)
	pw.expect(t, 21, Offline, false)
}

// TestPresenceDecoding is a table test of the presence.set decoder.
func TestPresenceDecoding(t *testing.T) {
	tests := []struct {
		in   string
		want PresenceState
		ok   bool
	}{
		{`{"state":"away"}`, Away, true},
		{`{"state":"online"}`, Online, true},
		{`{"state":"offline"}`, 0, false},
		{`{"state":"busy"}`, 0, false},
		{`{}`, 0, false},
		{`"away"`, 0, false},
		{``, 0, false},
		{`{"state":1}`, 0, false},
	}
	for _, tt := range tests {
		got, err := DecodePresenceSet(json.RawMessage(tt.in))
		if (err == nil) != tt.ok || tt.ok && got != tt.want {
			t.Errorf("DecodePresenceSet(%s) = %v, %v", tt.in, got, err)
		}
	}
}
