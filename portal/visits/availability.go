package visits

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Limits on an Availability.
const (
	maxWeekly     = 100
	maxExceptions = 500
)

// Availability is a clinician's published hours, in local wall time.
type Availability struct {
	Zone       string        // IANA zone of the rules and exceptions
	Weekly     []WeeklyHours // recurring hours
	Exceptions []Exception   // dated changes
}

// WeeklyHours is a recurring window of availability on a weekday.
type WeeklyHours struct {
	Weekday    time.Weekday
	Start, End string // HH:MM local; End after Start
}

// ExceptionKind says what an exception does.
type ExceptionKind string

// The exception kinds.
const (
	Off   ExceptionKind = "off"   // not available (the whole day when Start and End are "")
	Extra ExceptionKind = "extra" // available in addition to the weekly hours
)

// Exception changes availability on one date.
type Exception struct {
	Date       string // YYYY-MM-DD, in the availability's zone
	Kind       ExceptionKind
	Start, End string // HH:MM local; both "" for a whole day off
}

const (
	sqlUpsertSettings = `INSERT INTO visit_settings (clinician_id, zone, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (clinician_id) DO UPDATE SET zone = excluded.zone, updated_at = excluded.updated_at`
	sqlDeleteRules      = `DELETE FROM visit_rules WHERE clinician_id = $1`
	sqlDeleteExceptions = `DELETE FROM visit_exceptions WHERE clinician_id = $1`
	sqlInsertRule       = `INSERT INTO visit_rules (clinician_id, weekday, starts, ends) VALUES ($1, $2, $3::time, $4::time)`
	sqlInsertException  = `INSERT INTO visit_exceptions (clinician_id, day, kind, starts, ends)
		VALUES ($1, $2::date, $3, $4::time, $5::time)`
	sqlSettings     = `SELECT zone FROM visit_settings WHERE clinician_id = $1`
	sqlRules        = `SELECT weekday, to_char(starts, 'HH24:MI'), to_char(ends, 'HH24:MI') FROM visit_rules WHERE clinician_id = $1 ORDER BY weekday, starts`
	sqlExceptionsIn = `SELECT to_char(day, 'YYYY-MM-DD'), kind, coalesce(to_char(starts, 'HH24:MI'), ''), coalesce(to_char(ends, 'HH24:MI'), '')
		FROM visit_exceptions WHERE clinician_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day, starts NULLS FIRST`
)

// SetAvailability replaces clinicianID's availability with av, atomically.
// Only the clinician may set it (account.ErrForbidden otherwise). Invalid
// input (ErrZone, ErrClock, ErrDate, ErrEndBeforeStart, ErrWeekday,
// ErrExceptionKind, ErrTooManyRules) stores nothing. Existing appointments
// are kept even when they fall outside the new hours.
func (s *Service) SetAvailability(ctx context.Context, actor account.Actor, clinicianID int64, av Availability) error {
	if !isSelfClinician(actor, clinicianID) {
		return account.ErrForbidden
	}
	if _, err := parseAvailability(av); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlUpsertSettings, clinicianID, av.Zone, s.now()); err != nil {
			return fmt.Errorf("visits: set availability: %w", err)
		}
		batch := &pgx.Batch{}
		batch.Queue(sqlDeleteRules, clinicianID)
		batch.Queue(sqlDeleteExceptions, clinicianID)
		for _, w := range av.Weekly {
			batch.Queue(sqlInsertRule, clinicianID, int(w.Weekday), w.Start, w.End)
		}
		for _, e := range av.Exceptions {
			batch.Queue(sqlInsertException, clinicianID, e.Date, string(e.Kind), nullIfEmpty(e.Start), nullIfEmpty(e.End))
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return fmt.Errorf("visits: set availability: %w", err)
		}
		return nil
	})
}

// Availability returns clinicianID's availability with the exceptions
// from today (in the clinician's zone) on; ErrNoSchedule when none was
// published. Availability is not health information: any signed-in user
// may read it.
func (s *Service) Availability(ctx context.Context, actor account.Actor, clinicianID int64) (Availability, error) {
	if actor.UserID <= 0 || !actor.Role.Valid() {
		return Availability{}, account.ErrForbidden
	}
	var av Availability
	if err := s.pool.QueryRow(ctx, sqlSettings, clinicianID).Scan(&av.Zone); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return Availability{}, ErrNoSchedule
		}
		return Availability{}, fmt.Errorf("visits: availability: %w", err)
	}
	loc, err := LoadZone(av.Zone)
	if err != nil {
		return Availability{}, err
	}
	if av.Weekly, err = s.weekly(ctx, clinicianID); err != nil {
		return Availability{}, err
	}
	today := dateOf(s.now().In(loc))
	av.Exceptions, err = s.exceptions(ctx, clinicianID, today, today.addDays(3650))
	return av, err
}

// weekly loads clinicianID's weekly hours.
func (s *Service) weekly(ctx context.Context, clinicianID int64) ([]WeeklyHours, error) {
	rows, err := s.pool.Query(ctx, sqlRules, clinicianID)
	if err != nil {
		return nil, fmt.Errorf("visits: weekly hours: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (WeeklyHours, error) {
		var w WeeklyHours
		var wd int
		err := r.Scan(&wd, &w.Start, &w.End)
		w.Weekday = time.Weekday(wd)
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("visits: weekly hours: %w", err)
	}
	return out, nil
}

// exceptions loads clinicianID's exceptions dated from..to inclusive.
func (s *Service) exceptions(ctx context.Context, clinicianID int64, from, to date) ([]Exception, error) {
	rows, err := s.pool.Query(ctx, sqlExceptionsIn, clinicianID, from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("visits: exceptions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Exception, error) {
		var e Exception
		var kind string
		err := r.Scan(&e.Date, &kind, &e.Start, &e.End)
		e.Kind = ExceptionKind(kind)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("visits: exceptions: %w", err)
	}
	return out, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
