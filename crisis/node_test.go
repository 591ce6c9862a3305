package crisis

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// killBackends ends every PostgreSQL session of a node, as the server does
// when the node's process dies: its transactions roll back, its locks go.
func killBackends(t *testing.T, by *node, victim *node) {
	t.Helper()
	_, err := by.pool.Exec(context.Background(),
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
		victim.appName)
	if err != nil {
		t.Fatal(err)
	}
}

func TestNodeKilledBeforeTheDeadlineAnotherNodeReroutes(t *testing.T) {
	t.Parallel()
	cfg := Config{AckDeadline: [3]time.Duration{2 * time.Second, time.Minute, time.Minute}}
	base := newEnv(t, cfg)
	a, b := base.addNode(t, "haven_node_a", cfg), base.addNode(t, "haven_node_b", cfg)
	patient := base.user(t, "patient", "Pat")
	c := base.counselorOn(t, "Cora")
	sup := base.user(t, "counselor", "Sam")
	if err := base.svc.SetSupervisor(context.Background(), sup, true); err != nil {
		t.Fatal(err)
	}
	stopA := a.runDriver(t, 100*time.Millisecond)
	b.runDriver(t, 100*time.Millisecond)

	e := a.raise(t, patient, High) // node A offers (or B's driver, if it polled first)
	base.waitState(t, e.ID, Offered, 1, 2*time.Second)
	if len(a.notify.matching(c, EventOffer, tierIs(1)))+len(b.notify.matching(c, EventOffer, tierIs(1))) != 1 {
		t.Fatal("the counselor did not get exactly one tier-1 offer")
	}
	// Node A dies well before the deadline.
	stopA()
	killBackends(t, base, a)
	a.pool.Close()

	b.notify.waitFor(t, sup, EventOffer, tierIs(2), 5*time.Second)
	b.notify.waitFor(t, patient, EventStatus, statusIs(StatusCall988), time.Second)
	b.waitState(t, e.ID, Rerouted, 2, time.Second)
	h := base.history(t, e.ID)
	tr := firstOf(t, h, "rerouted", 2)
	if l := lateness(t, tr); l < 0 || l > reroutedWithin {
		t.Errorf("rerouted %v after the deadline by the surviving node, want within %v", l, reroutedWithin)
	}
	t.Logf("measured: rerouted by node B %v after the deadline", lateness(t, tr).Round(time.Millisecond))
	if got := kinds(h); !slices.Equal(got, []string{"raised", "offered", "rerouted"}) {
		t.Errorf("history = %v", got)
	}
}

func TestNodeKilledWhileHoldingADueRowAnotherNodeTakesIt(t *testing.T) {
	t.Parallel()
	cfg := Config{AckDeadline: [3]time.Duration{time.Second, time.Minute, time.Minute}, NotifyTimeout: 10 * time.Second}
	base := newEnv(t, cfg)
	a, b := base.addNode(t, "haven_node_a", cfg), base.addNode(t, "haven_node_b", cfg)
	patient := base.user(t, "patient", "Pat")
	c := base.counselorOn(t, "Cora")
	if err := base.svc.SetSupervisor(context.Background(), base.user(t, "counselor", "Sam"), true); err != nil {
		t.Fatal(err)
	}

	// Node A hangs forever in the middle of re-routing (holding the row).
	holding := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	a.notify.hang = func(user int64, ev HubEvent) {
		if ev.Type == EventOffer && tierOf(ev) == 2 {
			once.Do(func() { close(holding) })
			<-release
		}
	}
	stopA := a.runDriver(t, 50*time.Millisecond)
	t.Cleanup(func() { close(release) }) // runs before the driver stops
	e := a.raise(t, patient, High)
	select {
	case <-holding:
	case <-time.After(5 * time.Second):
		t.Fatal("node A never picked the due row")
	}
	// B starts while A holds the row: it must skip it, not wait or duplicate.
	b.runDriver(t, 50*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	if got := b.notify.matching(c, EventOffer, tierIs(2)); len(got) != 0 {
		t.Fatalf("node B re-routed a row node A still held")
	}
	killed := time.Now()
	killBackends(t, base, a) // A's process dies: its transaction rolls back
	go stopA()               // and its goroutines with it

	got := b.notify.waitFor(t, c, EventOffer, tierIs(2), 5*time.Second)
	t.Logf("measured: node B re-routed %v after node A was killed", got.at.Sub(killed).Round(time.Millisecond))
	if got := b.waitState(t, e.ID, Rerouted, 2, time.Second); got.DueAt == nil {
		t.Error("re-routed escalation has no next deadline")
	}
	if k := kinds(base.history(t, e.ID)); !slices.Equal(k, []string{"raised", "offered", "rerouted"}) {
		t.Errorf("history = %v, want exactly one re-route (A's rolled back)", k)
	}
}

func TestHungNodeLosesItsRowAfterTheLease(t *testing.T) {
	t.Parallel()
	cfg := Config{AckDeadline: [3]time.Duration{time.Second, time.Minute, time.Minute},
		NotifyTimeout: 200 * time.Millisecond}
	base := newEnv(t, cfg)
	a, b := base.addNode(t, "haven_node_a", cfg), base.addNode(t, "haven_node_b", cfg)
	patient := base.user(t, "patient", "Pat")
	c := base.counselorOn(t, "Cora")
	if err := base.svc.SetSupervisor(context.Background(), base.user(t, "counselor", "Sam"), true); err != nil {
		t.Fatal(err)
	}

	// Node A freezes in the middle of re-routing, its connection open,
	// holding the row; PostgreSQL ends its session once the lease runs out.
	holding := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	a.audit.hang = func(e AuditEntry) {
		if e.Action == "crisis.rerouted" {
			once.Do(func() { close(holding) })
			<-release
		}
	}
	a.runDriverWith(t, DriverOptions{Interval: 50 * time.Millisecond, Workers: 1})
	t.Cleanup(func() { close(release) }) // runs before the driver stops
	e := a.raise(t, patient, High)
	select {
	case <-holding:
	case <-time.After(5 * time.Second):
		t.Fatal("node A never picked the due row")
	}
	hung := time.Now()
	b.runDriver(t, 50*time.Millisecond)
	got := b.notify.waitFor(t, c, EventOffer, tierIs(2), 10*time.Second)
	t.Logf("measured: node B re-routed %v after node A froze (lease %v)", got.at.Sub(hung).Round(time.Millisecond),
		cfg.NotifyTimeout+3*time.Second)
	b.waitState(t, e.ID, Rerouted, 2, time.Second)
	if k := kinds(base.history(t, e.ID)); !slices.Equal(k, []string{"raised", "offered", "rerouted"}) {
		t.Errorf("history = %v, want exactly one re-route", k)
	}
}
