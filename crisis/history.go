package crisis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Transition is one recorded event of an escalation.
type Transition struct {
	Kind       string // raised, attached, offered, rerouted, expired, alerted, claimed, in_conversation, resolved, location_shared
	From, To   State
	Tier       int
	At         time.Time
	ActorID    int64      // 0 for the deadline driver
	Source     Source     // for raised and attached
	TriggerRef string     // for raised and attached
	Deadline   *time.Time // for driver transitions: the due time that fired it
	Recipients int        // for driver transitions: how many staff hold an offer
}

const sqlHistory = `SELECT kind, coalesce(from_state, ''), to_state, tier, at, coalesce(actor_id, 0),
		coalesce(source, ''), coalesce(trigger_ref, ''), deadline, coalesce(recipients, 0)
	FROM crisis_events WHERE escalation_id = $1 ORDER BY id`

// History returns an escalation's transitions in the order they happened.
func (s *Service) History(ctx context.Context, id int64) ([]Transition, error) {
	rows, err := s.pool.Query(ctx, sqlHistory, id)
	if err != nil {
		return nil, fmt.Errorf("crisis: history: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Transition, error) {
		var t Transition
		var tier int16
		err := r.Scan(&t.Kind, &t.From, &t.To, &tier, &t.At, &t.ActorID, &t.Source, &t.TriggerRef,
			&t.Deadline, &t.Recipients)
		t.Tier = int(tier)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("crisis: history: %w", err)
	}
	return out, nil
}
