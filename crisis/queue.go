package crisis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// QueueItem is one open escalation as the counselor console lists it.
type QueueItem struct {
	ID          int64
	PatientID   int64
	Severity    Severity
	Source      Source
	TriggerRef  string // a reference, never text
	Triggers    int
	State       State
	Tier        int
	CounselorID int64 // who holds it; 0 while waiting
	RaisedAt    time.Time
	Wait        time.Duration // since it was raised, by the database's clock
}

// sqlQueue lists open escalations: waiting ones first (expired included:
// they never leave the queue), then held ones; each group by severity,
// highest first, then longest wait.
const sqlQueue = `SELECT id, patient_id, severity, source, trigger_ref, triggers, state, tier,
		coalesce(counselor_id, 0), raised_at, (extract(epoch FROM now() - raised_at) * 1000)::bigint
	FROM crisis_escalations WHERE state <> 'resolved'
	ORDER BY state IN ('claimed', 'in_conversation'), severity DESC, raised_at, id`

// Queue returns every open escalation in queue order and audits the read
// (action crisis.queue) for viewerID. Whether viewerID may see the queue is
// the caller's check (staff on the roster).
func (s *Service) Queue(ctx context.Context, viewerID int64) ([]QueueItem, error) {
	var out []QueueItem
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlQueue)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueItem, error) {
			var q QueueItem
			var sev, tier int16
			var waitMS int64
			err := r.Scan(&q.ID, &q.PatientID, &sev, &q.Source, &q.TriggerRef, &q.Triggers, &q.State, &tier,
				&q.CounselorID, &q.RaisedAt, &waitMS)
			q.Severity, q.Tier, q.Wait = Severity(sev), int(tier), time.Duration(waitMS)*time.Millisecond
			return q, err
		})
		if err != nil {
			return err
		}
		return s.d.Auditor.Record(ctx, tx, AuditEntry{ActorID: viewerID, Action: "crisis.queue", Target: "queue"})
	})
	if err != nil {
		return nil, fmt.Errorf("crisis: queue: %w", err)
	}
	return out, nil
}
