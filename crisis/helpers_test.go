package crisis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
)

// node is one Haven node: its own pool, its own fakes, its own Service.
type node struct {
	pool    *pgxpool.Pool
	svc     *Service
	notify  *fakeNotifier
	push    *fakePusher
	audit   *fakeAuditor
	grants  *fakeGranter
	opener  *fakeOpener
	people  *fakePeople
	sealer  *fakeSealer
	appName string
}

// newEnv returns the first node on a fresh migrated database.
func newEnv(t *testing.T, cfg Config) *node {
	t.Helper()
	pool := dbtest.New(t)
	return newNodeOn(t, pool, "haven_node_a", cfg, nil)
}

// newBenchEnv is newEnv for a benchmark.
func newBenchEnv(b *testing.B) *node {
	b.Helper()
	return newNodeOn(b, dbtest.New(b), "haven_node_a", Config{}, nil)
}

// addNode returns another node with its own pool on n's database; people
// (names, care teams) is shared, as the database is.
func (n *node) addNode(t *testing.T, appName string, cfg Config) *node {
	t.Helper()
	pc := n.pool.Config().Copy()
	pc.ConnConfig.RuntimeParams["application_name"] = appName
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return newNodeOn(t, pool, appName, cfg, n.people)
}

func newNodeOn(t testing.TB, pool *pgxpool.Pool, appName string, cfg Config, people *fakePeople) *node {
	t.Helper()
	if people == nil {
		people = &fakePeople{names: map[int64]string{}, teams: map[int64][]int64{}}
	}
	n := &node{pool: pool, notify: newFakeNotifier(), push: &fakePusher{}, audit: &fakeAuditor{},
		grants: &fakeGranter{}, opener: &fakeOpener{}, people: people, sealer: newFakeSealer(), appName: appName}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	svc, err := New(pool, Deps{Notifier: n.notify, Pusher: n.push, Auditor: n.audit, Granter: n.grants,
		Conversations: n.opener, People: n.people, Sealer: n.sealer}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.svc = svc
	return n
}

// user inserts a user of role and returns its id.
func (n *node) user(t testing.TB, role, name string) int64 {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	var id int64
	err := n.pool.QueryRow(context.Background(),
		`INSERT INTO users (email, display_name, role) VALUES ($1, $2, $3) RETURNING id`,
		hex.EncodeToString(b)+"@example.test", name, role).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	n.people.mu.Lock()
	n.people.names[id] = name
	n.people.mu.Unlock()
	return id
}

// counselorOn inserts a counselor with the on-call switch on.
func (n *node) counselorOn(t *testing.T, name string) int64 {
	t.Helper()
	id := n.user(t, "counselor", name)
	if err := n.svc.SetSwitch(context.Background(), id, SwitchOn); err != nil {
		t.Fatal(err)
	}
	return id
}

// runDriver runs the node's driver until the test ends or stop is called.
func (n *node) runDriver(t *testing.T, interval time.Duration) (stop func()) {
	t.Helper()
	return n.runDriverWith(t, DriverOptions{Interval: interval})
}

// runDriverWith runs the node's driver with opts; see runDriver.
func (n *node) runDriverWith(t *testing.T, opts DriverOptions) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { n.svc.Driver(opts).Run(ctx) })
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

// raise raises and offers a button escalation for patient.
func (n *node) raise(t *testing.T, patient int64, sev Severity) Escalation {
	t.Helper()
	e, err := n.svc.RaiseAndOffer(context.Background(), RaiseRequest{PatientID: patient, Severity: sev,
		Source: SourceButton, TriggerRef: "button:", RaisedBy: patient})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// history returns the kinds of an escalation's transitions.
func (n *node) history(t *testing.T, id int64) []Transition {
	t.Helper()
	h, err := n.svc.History(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func kinds(h []Transition) []string {
	out := make([]string, len(h))
	for i, t := range h {
		out[i] = t.Kind
	}
	return out
}

// waitState polls until the escalation is in state (and tier, if > 0).
func (n *node) waitState(t *testing.T, id int64, st State, tier int, within time.Duration) Escalation {
	t.Helper()
	end := time.Now().Add(within)
	for {
		e, err := n.svc.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if e.State == st && (tier == 0 || e.Tier == tier) {
			return e
		}
		if time.Now().After(end) {
			t.Fatalf("escalation %d is %s tier %d, want %s tier %d within %v", id, e.State, e.Tier, st, tier, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// firstOf returns the first transition of kind and to tier (0: any).
func firstOf(t *testing.T, h []Transition, kind string, tier int) Transition {
	t.Helper()
	for _, tr := range h {
		if tr.Kind == kind && (tier == 0 || tr.Tier == tier) {
			return tr
		}
	}
	t.Fatalf("no %s transition to tier %d in %v", kind, tier, kinds(h))
	return Transition{}
}

func count(t *testing.T, n *node, sql string, args ...any) int {
	t.Helper()
	var c int
	if err := n.pool.QueryRow(context.Background(), sql, args...).Scan(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

func sortedIDs(ids ...int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// tierOf returns the tier of an offer event.
func tierOf(ev HubEvent) int {
	var d OfferData
	if err := json.Unmarshal(ev.Data, &d); err != nil {
		panic(err)
	}
	return d.Tier
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
