package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

const sqlViewsOf = `SELECT id, coalesce(actor_id, 0), actor_role, action, target, outcome, at
	FROM audit_log
	WHERE patient_id = $1 AND actor_id IS DISTINCT FROM $1
	ORDER BY at DESC, id DESC
	LIMIT $2`

// ViewsOf limits.
const (
	DefaultViewsLimit = 50
	MaxViewsLimit     = 500
)

// View is one access to a patient's record, as shown on the patient's
// "who viewed my record" page.
type View struct {
	ID        int64
	ActorID   int64 // 0 when anonymous; the caller looks up the display name
	ActorRole string
	Action    string // "chat.read", "breakglass.open", "access.denied", …
	Target    string
	Outcome   Outcome
	At        time.Time
}

// ViewsOf returns the accesses to patientID's health information by anyone
// other than the patient, newest first: reads, writes, refusals and
// break-glass openings alike. limit <= 0 means DefaultViewsLimit; it is
// capped at MaxViewsLimit.
func (l *Log) ViewsOf(ctx context.Context, patientID int64, limit int) ([]View, error) {
	if limit <= 0 {
		limit = DefaultViewsLimit
	}
	limit = min(limit, MaxViewsLimit)
	rows, err := l.db.Query(ctx, sqlViewsOf, patientID, limit)
	if err != nil {
		return nil, fmt.Errorf("audit: views of patient %d: %w", patientID, err)
	}
	views, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (View, error) {
		var v View
		err := r.Scan(&v.ID, &v.ActorID, &v.ActorRole, &v.Action, &v.Target, &v.Outcome, &v.At)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit: views of patient %d: %w", patientID, err)
	}
	return views, nil
}
