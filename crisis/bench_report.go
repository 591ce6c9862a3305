package crisis

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

const sqlBenchLateness = `SELECT e.escalation_id, e.at, e.deadline FROM crisis_events e
	WHERE e.escalation_id = ANY($1) AND e.kind = 'rerouted' AND e.tier = 2`

// report prints the figures of a finished run.
func (r *benchRun) report(ctx context.Context, out io.Writer) error {
	rows, err := r.admin.Query(ctx, sqlBenchLateness, r.escalation)
	if err != nil {
		return fmt.Errorf("crisis bench: %w", err)
	}
	defer rows.Close()
	var all, afterKill []time.Duration
	rerouted := map[int64]bool{}
	for rows.Next() {
		var id int64
		var at, deadline time.Time
		if err := rows.Scan(&id, &at, &deadline); err != nil {
			return fmt.Errorf("crisis bench: %w", err)
		}
		rerouted[id] = true
		l := at.Sub(deadline)
		all = append(all, l)
		if !deadline.Before(r.killedAt) {
			afterKill = append(afterKill, l)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("crisis bench: %w", err)
	}
	var offer []time.Duration
	r.rec.mu.Lock()
	for id, start := range r.raisedAt {
		if t, ok := r.rec.first[id]; ok {
			offer = append(offer, t.Sub(start))
		}
	}
	r.rec.mu.Unlock()
	fmt.Fprintf(out, "crisis bench: %d escalations, 2 nodes, tier-1 deadline %v, driver poll %v; node A killed after %d raises\n",
		len(r.escalation), r.o.Deadline, r.o.Interval, len(r.patients)/2)
	line := func(name string, ds []time.Duration) {
		p50, p99, mx := percentiles(ds)
		fmt.Fprintf(out, "%-46s n=%-4d p50 %-8v p99 %-8v max %v\n", name, len(ds), p50.Round(100*time.Microsecond),
			p99.Round(100*time.Microsecond), mx.Round(100*time.Microsecond))
	}
	line("raise→offer published (RaiseAndOffer)", offer)
	line("re-route lateness after deadline, all", all)
	line("re-route lateness, deadline after node A died", afterKill)
	fmt.Fprintf(out, "lost (never re-routed): %d\n", len(r.escalation)-len(rerouted))
	return nil
}

// benchNone satisfies the dependencies the bench does not exercise.
type benchNone struct{}

func (benchNone) CrisisAlertTx(context.Context, pgx.Tx, []int64, int64) error { return nil }
func (benchNone) CancelCrisisAlerts(context.Context, int64) error             { return nil }
func (benchNone) EndCrisis(context.Context, int64) error                      { return nil }
func (benchNone) Record(context.Context, Querier, AuditEntry) error           { return nil }
func (benchNone) Grant(context.Context, Querier, int64, int64, string, string, time.Time) error {
	return nil
}
func (benchNone) RevokeGrants(context.Context, Querier, string, string) error { return nil }
func (benchNone) OpenCrisis(context.Context, int64, int64, int64) (string, error) {
	return "", fmt.Errorf("crisis bench: no conversations")
}
func (benchNone) DisplayName(context.Context, int64) (string, error) { return "", nil }
func (benchNone) CareTeam(context.Context, int64) ([]int64, error)   { return nil, nil }
func (benchNone) Seal(context.Context, string, []byte, []byte) ([]byte, error) {
	return nil, fmt.Errorf("crisis bench: no sealing")
}
func (benchNone) Unseal(context.Context, string, []byte, []byte) ([]byte, error) {
	return nil, fmt.Errorf("crisis bench: no sealing")
}
