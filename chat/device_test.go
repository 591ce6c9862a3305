package chat

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"haven/signaling"
)

// device is a client as the UI is: it keeps the last sequence number it
// holds per conversation, resumes from it on every (re)connection and on
// "resync", and checks what it receives.
//
// strict: every chat.message must be the next of its conversation (exactly
// once, in order) — the contract on one node. Otherwise the device applies
// the client rule of PROTOCOL.md ("Across nodes"): an old seq is ignored,
// an early one is held until the gap fills; both are counted.
type device struct {
	t      testing.TB
	user   int64
	role   string
	strict bool

	mu      sync.Mutex
	conn    *tconn
	last    map[int64]int64
	early   map[int64]map[int64]bool
	dups    int
	reorder int
	resyncs int
	errs    []string
	changed chan struct{}
}

func newDevice(t testing.TB, user int64, role string, convs []int64, strict bool) *device {
	d := &device{t: t, user: user, role: role, strict: strict, last: map[int64]int64{},
		early: map[int64]map[int64]bool{}, changed: make(chan struct{}, 1)}
	for _, c := range convs {
		d.last[c] = 0
	}
	return d
}

// connect dials n and says hello with the device's positions.
func (d *device) connect(n *node) (*tconn, error) {
	c, err := dial(d.t, n, d.user, d.role, d.onEvent)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.conn = c
	resume := d.resumeLocked()
	d.mu.Unlock()
	if err := c.hello(resume); err != nil {
		c.ws.CloseNow()
		return nil, err
	}
	return c, nil
}

func (d *device) resumeLocked() map[int64]int64 {
	r := make(map[int64]int64, len(d.last))
	for k, v := range d.last {
		r[k] = v
	}
	return r
}

func (d *device) failf(format string, args ...any) {
	if len(d.errs) < 10 {
		d.errs = append(d.errs, fmt.Sprintf("user %d: ", d.user)+fmt.Sprintf(format, args...))
	}
}

// onEvent runs on the connection's reader goroutine.
func (d *device) onEvent(f signaling.Frame) {
	switch f.Type {
	case "resync":
		d.mu.Lock()
		d.resyncs++
		resume := d.resumeLocked()
		c := d.conn // the connection being read: it is replaced only after it ends
		d.mu.Unlock()
		_ = c.write("hello", "resync", helloData(resume)) // the welcome is not awaited
	case EventResume:
		var r struct{ Conversations []ResumeEntry }
		_ = json.Unmarshal(f.Data, &r)
		d.mu.Lock()
		for _, e := range r.Conversations {
			if e.History {
				d.failf("resume asks to fetch history of %d", e.Conversation)
			}
		}
		d.mu.Unlock()
	case EventMessage:
		var m Message
		if err := json.Unmarshal(f.Data, &m); err != nil {
			d.mu.Lock()
			d.failf("bad message %s", f.Data)
			d.mu.Unlock()
			return
		}
		d.see(m)
	}
}

func (d *device) see(m Message) {
	d.mu.Lock()
	defer d.mu.Unlock()
	last, known := d.last[m.Conversation]
	if !known {
		d.failf("message of unknown conversation %d", m.Conversation)
		return
	}
	switch {
	case m.Seq == last+1:
		d.last[m.Conversation] = m.Seq
		for e := d.early[m.Conversation]; e[d.last[m.Conversation]+1]; {
			delete(e, d.last[m.Conversation]+1)
			d.last[m.Conversation]++
		}
	case d.strict:
		d.failf("conversation %d: got seq %d after %d", m.Conversation, m.Seq, last)
		return
	case m.Seq <= last:
		d.dups++
		return
	default:
		d.reorder++
		if d.early[m.Conversation] == nil {
			d.early[m.Conversation] = map[int64]bool{}
		}
		d.early[m.Conversation][m.Seq] = true
		return
	}
	select {
	case d.changed <- struct{}{}:
	default:
	}
}

// reached reports whether the device holds every message up to want.
func (d *device) reached(want map[int64]int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for c, w := range want {
		if d.last[c] != w {
			return false
		}
	}
	return true
}

func (d *device) report(t testing.TB) (dups, reorder int) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, e := range d.errs {
		t.Error(e)
	}
	return d.dups, d.reorder
}

func (d *device) current() *tconn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conn
}
