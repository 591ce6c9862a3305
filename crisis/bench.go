package crisis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// BenchOptions tune Bench. Zero values are the defaults.
type BenchOptions struct {
	Escalations int           // how many escalations to raise; default 200
	Deadline    time.Duration // the tier-1 acknowledgement deadline; default 2 s
	Interval    time.Duration // each driver's poll interval; default 500 ms (production)
	Spread      time.Duration // raises are spread evenly over this; default 5 s
	Logger      *slog.Logger  // nil: discard
}

// Bench measures, on an empty scratch database reached through pool, how
// late escalations re-route when a node is killed: two nodes (each its own
// pool and Driver) share the deadlines; half-way through the raises node A
// dies (its driver stops and PostgreSQL ends its sessions, as when the
// process is killed) and node B carries on alone. It prints raise→offer
// latency and re-route lateness (p50, p99, max) to out, and how many
// escalations were lost (never re-routed), which must be 0.
//
// Bench creates users, a roster and escalations and leaves them behind; it
// refuses to run on a database that already has crisis data, so `portal
// bench crisis` must give it a fresh scratch database each run.
func Bench(ctx context.Context, pool *pgxpool.Pool, out io.Writer, o BenchOptions) error {
	o = o.withDefaults()
	if err := benchEmpty(ctx, pool); err != nil {
		return err
	}
	run, err := newBenchRun(ctx, pool, o)
	if err != nil {
		return err
	}
	defer run.close()
	if err := run.raiseAll(ctx); err != nil {
		return err
	}
	if err := run.waitRerouted(ctx); err != nil {
		return err
	}
	return run.report(ctx, out)
}

func (o BenchOptions) withDefaults() BenchOptions {
	if o.Escalations <= 0 {
		o.Escalations = 200
	}
	if o.Deadline <= 0 {
		o.Deadline = 2 * time.Second
	}
	if o.Interval <= 0 {
		o.Interval = 500 * time.Millisecond
	}
	if o.Spread <= 0 {
		o.Spread = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

const sqlBenchHasData = `SELECT (SELECT count(*) FROM crisis_escalations) + (SELECT count(*) FROM crisis_roster)
	+ (SELECT count(*) FROM crisis_shifts)`

func benchEmpty(ctx context.Context, pool *pgxpool.Pool) error {
	var n int
	if err := pool.QueryRow(ctx, sqlBenchHasData).Scan(&n); err != nil {
		return fmt.Errorf("crisis bench: %w", err)
	}
	if n > 0 {
		return errors.New("crisis bench: the database has crisis data; run the bench on a scratch database")
	}
	return nil
}

// benchNode is one node of the bench: a pool, a Service, a running Driver.
type benchNode struct {
	app  string
	pool *pgxpool.Pool
	svc  *Service
	stop context.CancelFunc
	done chan struct{}
}

func (n *benchNode) kill() {
	n.stop()
	<-n.done
}

type benchRun struct {
	o          BenchOptions
	admin      *pgxpool.Pool
	a, b       *benchNode
	rec        *benchRecorder
	counselor  int64
	patients   []int64
	raisedAt   map[int64]time.Time // escalation → when Raise was called
	killedAt   time.Time
	escalation []int64
}

func newBenchRun(ctx context.Context, admin *pgxpool.Pool, o BenchOptions) (*benchRun, error) {
	r := &benchRun{o: o, admin: admin, rec: &benchRecorder{first: map[int64]time.Time{}}, raisedAt: map[int64]time.Time{}}
	var err error
	if r.counselor, err = benchUser(ctx, admin, "counselor"); err != nil {
		return nil, err
	}
	sup, err := benchUser(ctx, admin, "counselor")
	if err != nil {
		return nil, err
	}
	for range o.Escalations {
		p, err := benchUser(ctx, admin, "patient")
		if err != nil {
			return nil, err
		}
		r.patients = append(r.patients, p)
	}
	suffix := randomSuffix()
	if r.a, err = r.startNode(ctx, "haven_bench_a_"+suffix); err != nil {
		return nil, err
	}
	if r.b, err = r.startNode(ctx, "haven_bench_b_"+suffix); err != nil {
		r.a.kill()
		r.a.pool.Close()
		return nil, err
	}
	if err := r.a.svc.SetSwitch(ctx, r.counselor, SwitchOn); err != nil {
		r.close()
		return nil, err
	}
	if err := r.a.svc.SetSupervisor(ctx, sup, true); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

func (r *benchRun) startNode(ctx context.Context, app string) (*benchNode, error) {
	pc := r.admin.Config()
	pc.ConnConfig.RuntimeParams["application_name"] = app
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("crisis bench: %w", err)
	}
	none := benchNone{}
	svc, err := New(pool, Deps{Notifier: r.rec, Pusher: none, Auditor: none, Granter: none, Conversations: none,
		People: none, Sealer: none}, Config{AckDeadline: [3]time.Duration{r.o.Deadline, time.Hour, time.Hour},
		Logger: r.o.Logger})
	if err != nil {
		pool.Close()
		return nil, err
	}
	dctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	n := &benchNode{app: app, pool: pool, svc: svc, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(n.done)
		svc.Driver(DriverOptions{Interval: r.o.Interval}).Run(dctx)
	}()
	return n, nil
}

// raiseAll raises every escalation, spread over Spread, through node A for
// the first half and node B after node A is killed.
func (r *benchRun) raiseAll(ctx context.Context) error {
	gap := r.o.Spread / time.Duration(r.o.Escalations)
	node := r.a
	for i, p := range r.patients {
		if i == len(r.patients)/2 {
			if err := r.killA(ctx); err != nil {
				return err
			}
			node = r.b
		}
		start := time.Now()
		e, err := node.svc.RaiseAndOffer(ctx, RaiseRequest{PatientID: p, Severity: High, Source: SourceButton,
			TriggerRef: "bench:", RaisedBy: p})
		if err != nil {
			return err
		}
		r.raisedAt[e.ID] = start
		r.escalation = append(r.escalation, e.ID)
		time.Sleep(time.Until(start.Add(gap)))
	}
	return nil
}

// killA stops node A as a killed process stops: its driver ends and
// PostgreSQL terminates its sessions, rolling back whatever it held.
func (r *benchRun) killA(ctx context.Context) error {
	r.killedAt = time.Now()
	_, err := r.admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, r.a.app)
	r.a.kill()
	r.a.pool.Close()
	if err != nil {
		return fmt.Errorf("crisis bench: kill node A: %w", err)
	}
	return nil
}

const sqlBenchPending = `SELECT count(*) FROM crisis_escalations WHERE id = ANY($1) AND NOT (state = 'rerouted' AND tier = 2)`

// waitRerouted waits until every escalation reached tier 2, or gives up a
// generous while after the last deadline.
func (r *benchRun) waitRerouted(ctx context.Context) error {
	limit := time.Now().Add(r.o.Deadline + 30*time.Second)
	for time.Now().Before(limit) {
		var pending int
		if err := r.admin.QueryRow(ctx, sqlBenchPending, r.escalation).Scan(&pending); err != nil {
			return fmt.Errorf("crisis bench: %w", err)
		}
		if pending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil // report counts what never re-routed as lost
}

func (r *benchRun) close() {
	if r.a != nil && r.killedAt.IsZero() {
		r.a.kill()
		r.a.pool.Close()
	}
	if r.b != nil {
		r.b.kill()
		r.b.pool.Close()
	}
}

func benchUser(ctx context.Context, db Querier, role string) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO users (email, display_name, role) VALUES ($1, 'Bench', $2) RETURNING id`,
		"bench-"+randomSuffix()+"@example.invalid", role).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("crisis bench: user: %w", err)
	}
	return id, nil
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// benchRecorder is the bench's Notifier: it notes when each escalation's
// first offer was published.
type benchRecorder struct {
	mu    sync.Mutex
	first map[int64]time.Time
}

func (b *benchRecorder) Publish(ctx context.Context, userID int64, ev HubEvent) error {
	if ev.Type != EventOffer {
		return nil
	}
	var d OfferData
	if err := json.Unmarshal(ev.Data, &d); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.first[d.EscalationID]; !ok {
		b.first[d.EscalationID] = time.Now()
	}
	return nil
}

// percentiles returns p50, p99 and max of ds (sorted in place).
func percentiles(ds []time.Duration) (p50, p99, mx time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	return at(0.50), at(0.99), ds[len(ds)-1]
}
