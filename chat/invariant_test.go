package chat

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clinic is a patient, their care team, the team conversation and one
// direct conversation per clinician.
type clinic struct {
	patient    int64
	clinicians []int64
	team       int64
	direct     map[int64]int64 // clinician → conversation
}

func (e *env) newClinic(t testing.TB, clinicians int) *clinic {
	t.Helper()
	ctx := context.Background()
	cl := &clinic{patient: e.user("patient"), direct: map[int64]int64{}}
	for range clinicians {
		cl.clinicians = append(cl.clinicians, e.user("clinician"))
	}
	e.careTeam(cl.patient, cl.clinicians...)
	svc := e.nodes[0].chat
	var err error
	if cl.team, err = svc.OpenTeam(ctx, patientActor(cl.patient), cl.patient); err != nil {
		t.Fatal(err)
	}
	for _, c := range cl.clinicians {
		if cl.direct[c], err = svc.OpenDirect(ctx, staffActor(c), cl.patient, c); err != nil {
			t.Fatal(err)
		}
	}
	return cl
}

func (cl *clinic) users() []int64 { return append([]int64{cl.patient}, cl.clinicians...) }

func (cl *clinic) role(u int64) string {
	if u == cl.patient {
		return "patient"
	}
	return "clinician"
}

func (cl *clinic) convsOf(u int64) []int64 {
	if u == cl.patient {
		out := []int64{cl.team}
		for _, c := range cl.clinicians {
			out = append(out, cl.direct[c])
		}
		return out
	}
	return []int64{cl.team, cl.direct[u]}
}

// ackLog records the acknowledgements of sends, checking that each client
// id gets one seq and each seq one client id.
type ackLog struct {
	mu     sync.Mutex
	byID   map[string]int64
	bySeq  map[[2]int64]string
	count  map[int64]int64
	errs   []string
	failed atomic.Int64
}

func newAckLog() *ackLog {
	return &ackLog{byID: map[string]int64{}, bySeq: map[[2]int64]string{}, count: map[int64]int64{}}
}

func (a *ackLog) add(s Sent) {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := fmt.Sprint(s.Conversation, "/", s.ClientID)
	if prev, ok := a.byID[key]; ok {
		if prev != s.Seq && len(a.errs) < 10 {
			a.errs = append(a.errs, fmt.Sprintf("client id %s acknowledged as seq %d and %d", key, prev, s.Seq))
		}
		return
	}
	a.byID[key] = s.Seq
	if other, ok := a.bySeq[[2]int64{s.Conversation, s.Seq}]; ok && len(a.errs) < 10 {
		a.errs = append(a.errs, fmt.Sprintf("seq %d of %d acknowledged to %s and %s", s.Seq, s.Conversation, other, s.ClientID))
	}
	a.bySeq[[2]int64{s.Conversation, s.Seq}] = s.ClientID
	a.count[s.Conversation]++
}

// final checks the acks are 1..n per conversation and returns n per
// conversation.
func (a *ackLog) final(t testing.TB) map[int64]int64 {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, e := range a.errs {
		t.Error(e)
	}
	for k := range a.bySeq {
		if k[1] < 1 || k[1] > a.count[k[0]] {
			t.Errorf("conversation %d: seq %d acknowledged but only %d messages", k[0], k[1], a.count[k[0]])
		}
	}
	out := map[int64]int64{}
	for c, n := range a.count {
		out[c] = n
	}
	return out
}

// TestExactlyOnceInOrder: many devices, every participant sending at once
// to every conversation they are in: each device receives every message of
// its conversations exactly once, in sequence order, and the sequence
// numbers acknowledged are exactly 1..n.
func TestExactlyOnceInOrder(t *testing.T) {
	checkGoroutines(t)
	e := newEnv(t, envOptions{})
	cl := e.newClinic(t, 3)
	const perSender, devicesPerUser = 20, 2
	var devices []*device
	senders := map[int64]*device{}
	for _, u := range cl.users() {
		for i := range devicesPerUser {
			d := newDevice(t, u, cl.role(u), cl.convsOf(u), true)
			if _, err := d.connect(e.nodes[0]); err != nil {
				t.Fatal(err)
			}
			devices = append(devices, d)
			if i == 0 {
				senders[u] = d
			}
		}
	}
	acks := newAckLog()
	var wg sync.WaitGroup
	for u, d := range senders {
		for _, conv := range cl.convsOf(u) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perSender {
					s, err := d.current().sendMsg(conv, fmt.Sprintf("u%d-%d", u, i), fmt.Sprintf("message %d from %d", i, u))
					if err != nil {
						t.Errorf("send: %v", err)
						return
					}
					acks.add(s)
				}
			}()
		}
	}
	wg.Wait()
	want := acks.final(t)
	for _, d := range devices {
		mine := map[int64]int64{}
		for _, c := range cl.convsOf(d.user) {
			mine[c] = want[c]
		}
		waitUntil(t, fmt.Sprintf("device of user %d to receive everything", d.user), func() bool { return d.reached(mine) })
		d.report(t)
	}

	var total int64
	for _, n := range want {
		total += n
	}
	if total != int64(perSender*(len(cl.users())+2*len(cl.clinicians))) {
		t.Errorf("%d messages acknowledged", total)
	}
}

// TestReconnectStorm: while every participant keeps sending, connections
// (senders' too) are dropped at random; each device reconnects and resumes
// from what it holds, and a sender retries an unacknowledged message with
// the same client id. No device sees a gap or a duplicate, nothing
// acknowledged is lost, and no retry stores a second message.
func TestReconnectStorm(t *testing.T) {
	checkGoroutines(t)
	e := newEnv(t, envOptions{})
	cl := e.newClinic(t, 2)
	res := runStorm(t, e, cl, stormOptions{strict: true, perSender: 25})
	t.Logf("%d reconnections resumed", res.reconnects)
}

type stormOptions struct {
	strict    bool
	perSender int
	midway    func() // called once, when half the messages are acknowledged
}

// stormResult is what a storm saw besides its checks.
type stormResult struct {
	reconnects, resyncs int // device reconnections; resync frames received
	dups, reorder       int // messages the client rule ignored or held (0 when strict)
}

// runStorm drives devices on every node of e through a reconnect storm and
// checks the outcome.
func runStorm(t *testing.T, e *env, cl *clinic, o stormOptions) stormResult {
	t.Helper()
	stop := make(chan struct{})
	var reconnects atomic.Int64
	var devices []*device
	var loops sync.WaitGroup
	nodeOf := func(i int) *node { return e.nodes[i%len(e.nodes)] }
	k := 0
	for _, u := range cl.users() {
		for range 2 {
			d := newDevice(t, u, cl.role(u), cl.convsOf(u), o.strict)
			devices = append(devices, d)
			n := nodeOf(k)
			k++
			if _, err := d.connect(n); err != nil {
				t.Fatal(err)
			}
			loops.Add(1)
			go func() { // reconnect whenever the connection drops
				defer loops.Done()
				for {
					c := d.current()
					select {
					case <-c.done:
					case <-stop:
						return
					}
					for {
						if _, err := d.connect(n); err == nil {
							reconnects.Add(1)
							break
						}
						select {
						case <-stop:
							return
						case <-time.After(10 * time.Millisecond):
						}
					}
				}
			}()
		}
	}
	// Chaos: drop a random device's connection every few milliseconds.
	loops.Add(1)
	go func() {
		defer loops.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(5+rand.IntN(15)) * time.Millisecond):
			}
			devices[rand.IntN(len(devices))].current().ws.CloseNow()
		}
	}()
	acks := newAckLog()
	var sent atomic.Int64
	total := 0
	var wg sync.WaitGroup
	for i, u := range cl.users() {
		for _, conv := range cl.convsOf(u) {
			total += o.perSender
			wg.Add(1)
			go func() {
				defer wg.Done()
				sendWithRetries(t, nodeOf(i), u, cl.role(u), conv, o.perSender, acks, &sent, stop)
			}()
		}
	}
	if o.midway != nil {
		waitUntil(t, "half the messages", func() bool { return sent.Load() >= int64(total/2) })
		o.midway()
	}
	wg.Wait()
	want := acks.final(t)
	for _, d := range devices {
		mine := map[int64]int64{}
		for _, c := range cl.convsOf(d.user) {
			mine[c] = want[c]
		}
		waitUntil(t, fmt.Sprintf("device of user %d to hold everything", d.user), func() bool { return d.reached(mine) })
	}
	close(stop)
	loops.Wait()
	res := stormResult{reconnects: int(reconnects.Load())}
	for _, d := range devices {
		dd, rr := d.report(t)
		res.dups, res.reorder = res.dups+dd, res.reorder+rr
		d.mu.Lock()
		res.resyncs += d.resyncs
		d.mu.Unlock()
	}
	var stored int64
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM chat_messages`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != int64(total) {
		t.Errorf("%d messages stored for %d distinct client ids", stored, total)
	}
	if res.reconnects == 0 {
		t.Error("the storm dropped no device connection")
	}
	return res
}

// sendWithRetries sends n messages from its own connection, which the storm
// may drop: an unanswered send is retried with the same client id on a new
// connection until acknowledged.
func sendWithRetries(t *testing.T, n *node, user int64, role string, conv int64, count int, acks *ackLog, sent *atomic.Int64, stop chan struct{}) {
	var c *tconn
	for i := 0; i < count; {
		if c == nil {
			var err error
			if c, err = dial(t, n, user, role, nil); err == nil {
				err = c.hello(nil)
			}
			if err != nil {
				c = nil
				time.Sleep(10 * time.Millisecond)
				continue
			}
			if rand.IntN(3) == 0 { // some sender connections get dropped mid-send
				go func(c *tconn) {
					time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
					c.ws.CloseNow()
				}(c)
			}
		}
		s, err := c.sendMsg(conv, fmt.Sprintf("u%d-c%d-%d", user, conv, i), fmt.Sprintf("message %d", i))
		if err != nil {
			c.ws.CloseNow()
			c = nil
			continue
		}
		acks.add(s)
		sent.Add(1)
		i++
	}
	if c != nil {
		c.ws.CloseNow()
	}
}
