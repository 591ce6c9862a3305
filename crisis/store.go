package crisis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// escalationColumns is the column list scanEscalation reads, in order.
const escalationColumns = `id, patient_id, severity, source, trigger_ref, coalesce(raised_by, 0), state, tier,
	due_at, triggers, coalesce(counselor_id, 0), coalesce(conversation_ref, ''), coalesce(disposition, ''),
	location_sealed IS NOT NULL, raised_at, offered_at, claimed_at, resolved_at`

const (
	sqlEscalation       = `SELECT ` + escalationColumns + ` FROM crisis_escalations WHERE id = $1`
	sqlEscalationLocked = sqlEscalation + ` FOR UPDATE`
	sqlInsertEvent      = `INSERT INTO crisis_events
		(escalation_id, kind, from_state, to_state, tier, actor_id, source, trigger_ref, deadline, recipients)
		VALUES ($1, $2, nullif($3, ''), $4, $5, nullif($6, 0), nullif($7, ''), nullif($8, ''), $9, $10)`
)

// scanEscalation reads escalationColumns, then any extra columns into extra.
func scanEscalation(row pgx.Row, extra ...any) (Escalation, error) {
	var e Escalation
	var sev, tier int16
	dest := append([]any{&e.ID, &e.PatientID, &sev, &e.Source, &e.TriggerRef, &e.RaisedBy, &e.State, &tier,
		&e.DueAt, &e.Triggers, &e.CounselorID, &e.ConversationRef, &e.Disposition,
		&e.HasLocation, &e.RaisedAt, &e.OfferedAt, &e.ClaimedAt, &e.ResolvedAt}, extra...)
	err := row.Scan(dest...)
	e.Severity, e.Tier = Severity(sev), int(tier)
	return e, err
}

// load reads one escalation (locking it when lock is set).
func load(ctx context.Context, db Querier, id int64, lock bool) (Escalation, error) {
	q := sqlEscalation
	if lock {
		q = sqlEscalationLocked
	}
	e, err := scanEscalation(db.QueryRow(ctx, q, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("crisis: load escalation %d: %w", id, err)
	}
	return e, nil
}

// Get returns an escalation by id, or ErrNotFound. It does not check who
// asks: callers show it only to staff allowed to see the queue.
func (s *Service) Get(ctx context.Context, id int64) (Escalation, error) {
	return load(ctx, s.pool, id, false)
}

// transition is one row of crisis_events plus its audit entry.
type transition struct {
	kind       string // "raised", "attached", "offered", "rerouted", "expired", "alerted", "claimed", …
	from, to   State
	tier       int
	actor      int64
	source     Source
	triggerRef string
	deadline   *time.Time
	recipients *int
}

// record writes the event and the audit entry of a transition in tx.
func (s *Service) record(ctx context.Context, tx Querier, e Escalation, t transition) error {
	_, err := tx.Exec(ctx, sqlInsertEvent, e.ID, t.kind, string(t.from), string(t.to), t.tier, t.actor,
		string(t.source), t.triggerRef, t.deadline, t.recipients)
	if err != nil {
		return fmt.Errorf("crisis: record %s event: %w", t.kind, err)
	}
	err = s.d.Auditor.Record(ctx, tx, AuditEntry{ActorID: t.actor, Action: "crisis." + t.kind,
		PatientID: e.PatientID, Target: e.Target()})
	if err != nil {
		return fmt.Errorf("crisis: audit %s: %w", t.kind, err)
	}
	return nil
}
