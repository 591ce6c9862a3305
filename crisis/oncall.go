package crisis

import (
	"context"
	"fmt"
	"time"

	"haven/portal/fault"
)

// Switch is a counselor's manual on-call switch.
type Switch string

// The switch positions.
const (
	SwitchShift Switch = "shift" // on call exactly during scheduled shifts (the default)
	SwitchOn    Switch = "on"    // on call now, shift or not
	SwitchOff   Switch = "off"   // not on call, even during a shift
)

// Shift is a scheduled on-call period.
type Shift struct {
	ID         int64
	UserID     int64
	StartsAt   time.Time
	EndsAt     time.Time
	Supervisor bool // the holder is a tier-2 supervisor for this shift
}

// OnCallEntry is one staff member on call.
type OnCallEntry struct {
	UserID     int64
	Supervisor bool // flagged on the roster or on a supervisor shift
}

// Coverage says whether escalations can reach a counselor now.
type Coverage struct {
	Covered     bool // at least one counselor is on call
	OnCall      int
	Supervisors int // supervisors on call
}

const (
	sqlSetSwitch = `INSERT INTO crisis_roster (user_id, switch) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET switch = excluded.switch, updated_at = now()`
	sqlSetSupervisor = `INSERT INTO crisis_roster (user_id, supervisor) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET supervisor = excluded.supervisor, updated_at = now()`
	sqlAddShift = `INSERT INTO crisis_shifts (user_id, starts_at, ends_at, supervisor)
		VALUES ($1, $2, $3, $4) RETURNING id`
	sqlDeleteShift = `DELETE FROM crisis_shifts WHERE id = $1`
	// sqlOnCall lists who is on call at $1 (NULL: the database's now()).
	sqlOnCall = `WITH t AS (SELECT coalesce($1::timestamptz, now()) AS at)
		SELECT user_id, bool_or(supervisor) FROM (
			SELECT s.user_id, s.supervisor OR coalesce(r.supervisor, false) AS supervisor
			FROM crisis_shifts s CROSS JOIN t LEFT JOIN crisis_roster r ON r.user_id = s.user_id
			WHERE s.starts_at <= t.at AND s.ends_at > t.at AND coalesce(r.switch, 'shift') <> 'off'
			UNION ALL
			SELECT user_id, supervisor FROM crisis_roster WHERE switch = 'on'
		) oc GROUP BY user_id ORDER BY user_id`
	// sqlSupervisors lists every supervisor who has not switched off.
	sqlSupervisors = `SELECT user_id FROM crisis_roster WHERE supervisor AND switch <> 'off' ORDER BY user_id`
)

// SetSwitch sets a counselor's manual on-call switch. It takes effect for
// the next offer or re-route.
func (s *Service) SetSwitch(ctx context.Context, userID int64, sw Switch) error {
	if sw != SwitchShift && sw != SwitchOn && sw != SwitchOff {
		return fault.Invalidf("the on-call switch must be shift, on or off")
	}
	if _, err := s.pool.Exec(ctx, sqlSetSwitch, userID, string(sw)); err != nil {
		return fmt.Errorf("crisis: set switch: %w", err)
	}
	return nil
}

// SetSupervisor flags (or unflags) a user as a tier-2 supervisor.
func (s *Service) SetSupervisor(ctx context.Context, userID int64, supervisor bool) error {
	if _, err := s.pool.Exec(ctx, sqlSetSupervisor, userID, supervisor); err != nil {
		return fmt.Errorf("crisis: set supervisor: %w", err)
	}
	return nil
}

// AddShift schedules an on-call shift and returns its id. Shifts may overlap.
func (s *Service) AddShift(ctx context.Context, sh Shift) (int64, error) {
	if sh.UserID <= 0 || !sh.EndsAt.After(sh.StartsAt) {
		return 0, fault.Invalidf("a shift needs a counselor and must end after it starts")
	}
	var id int64
	err := s.pool.QueryRow(ctx, sqlAddShift, sh.UserID, sh.StartsAt, sh.EndsAt, sh.Supervisor).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("crisis: add shift: %w", err)
	}
	return id, nil
}

// DeleteShift removes a shift; removing a missing one is not an error.
func (s *Service) DeleteShift(ctx context.Context, id int64) error {
	if _, err := s.pool.Exec(ctx, sqlDeleteShift, id); err != nil {
		return fmt.Errorf("crisis: delete shift: %w", err)
	}
	return nil
}

// OnCall lists who is on call at now, ordered by user id: everyone on a
// shift covering now who has not switched off, and everyone switched on.
func (s *Service) OnCall(ctx context.Context, now time.Time) ([]OnCallEntry, error) {
	return onCall(ctx, s.pool, &now)
}

// Coverage reports whether at least one counselor is on call now (by the
// database's clock). The console and admin page warn when not: escalations
// then go straight to supervisors and the patient is told to call 988.
func (s *Service) Coverage(ctx context.Context) (Coverage, error) {
	oc, err := onCall(ctx, s.pool, nil)
	if err != nil {
		return Coverage{}, err
	}
	c := Coverage{OnCall: len(oc), Covered: len(oc) > 0}
	for _, e := range oc {
		if e.Supervisor {
			c.Supervisors++
		}
	}
	return c, nil
}

func onCall(ctx context.Context, db Querier, at *time.Time) ([]OnCallEntry, error) {
	rows, err := db.Query(ctx, sqlOnCall, at)
	if err != nil {
		return nil, fmt.Errorf("crisis: on call: %w", err)
	}
	defer rows.Close()
	var out []OnCallEntry
	for rows.Next() {
		var e OnCallEntry
		if err := rows.Scan(&e.UserID, &e.Supervisor); err != nil {
			return nil, fmt.Errorf("crisis: on call: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
