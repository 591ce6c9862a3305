package crisis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// sqlOpenOf reads the patient's open escalation, newest first. The unique
// index crisis_escalations_open allows one per patient; the order only
// makes the answer well defined should that ever change.
const sqlOpenOf = `SELECT ` + escalationColumns + ` FROM crisis_escalations
	WHERE patient_id = $1 AND state <> 'resolved'
	ORDER BY raised_at DESC, id DESC LIMIT 1`

// OpenOf returns the patient's open escalation: any state but Resolved.
// Expired counts as open — it is still waiting, alerting and claimable.
// With several (the schema keeps it to one) the newest is returned. A
// patient with none gets ErrNoOpen. OpenOf does not check who asks:
// callers show it only to that patient (GET /api/crisis/mine).
func (s *Service) OpenOf(ctx context.Context, patientID int64) (Escalation, error) {
	e, err := scanEscalation(s.pool.QueryRow(ctx, sqlOpenOf, patientID))
	if errors.Is(err, pgx.ErrNoRows) {
		return Escalation{}, ErrNoOpen
	}
	if err != nil {
		return Escalation{}, fmt.Errorf("crisis: open escalation of a patient: %w", err)
	}
	return e, nil
}
