package push

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// maxDailyTimes bounds a medication's reminder times per day.
const maxDailyTimes = 24

// ErrDailyTimes means a medication schedule has no times or too many.
var ErrDailyTimes = fault.Invalidf("between 1 and %d reminder times a day", maxDailyTimes)

const (
	sqlMedUpsert = `INSERT INTO push_med_schedules (user_id, med_id, times, zone) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, med_id) DO UPDATE SET times = excluded.times, zone = excluded.zone, active = true,
			generation = push_med_schedules.generation + 1, updated_at = now()
		RETURNING generation`
	sqlMedOff = `UPDATE push_med_schedules SET active = false, generation = generation + 1, updated_at = now()
		WHERE user_id = $1 AND med_id = $2`
	sqlMedLock = `SELECT times, zone, generation, active FROM push_med_schedules
		WHERE user_id = $1 AND med_id = $2 FOR UPDATE`
)

// ScheduleMedication sets, in tx, the daily local times ("08:00", "20:30")
// at which the user is reminded of a medication, replacing earlier times
// and their pending reminder. One reminder is scheduled at a time: the next
// occurrence; each, when it runs, schedules the one after it. A reminder is
// relevant until Config.MedicationStale after its time. Errors:
// ErrDailyTimes, ErrClock, ErrZone.
func (s *Service) ScheduleMedication(ctx context.Context, tx pgx.Tx, userID, medID int64, dailyLocalTimes []string, zone string) error {
	times, err := parseDailyTimes(dailyLocalTimes)
	if err != nil {
		return err
	}
	loc, err := loadZone(zone)
	if err != nil {
		return err
	}
	names := make([]string, len(times))
	for i, c := range times {
		names[i] = c.String()
	}
	var gen int
	if err := tx.QueryRow(ctx, sqlMedUpsert, userID, medID, names, zone).Scan(&gen); err != nil {
		return fmt.Errorf("push: schedule medication: %w", err)
	}
	if err := s.cancel(ctx, tx, userID, KindMedication, medID, reasonRescheduled); err != nil {
		return err
	}
	next := nextDaily(s.cfg.Now(), times, loc)
	_, err = s.enqueue(ctx, tx, s.dose(userID, medID, gen, next, loc, zone))
	return err
}

// CancelMedication turns the medication's reminders off, in tx; its
// pending reminder is dropped (reason "cancelled").
func (s *Service) CancelMedication(ctx context.Context, tx pgx.Tx, userID, medID int64) error {
	if _, err := tx.Exec(ctx, sqlMedOff, userID, medID); err != nil {
		return fmt.Errorf("push: cancel medication: %w", err)
	}
	return s.cancel(ctx, tx, userID, KindMedication, medID, reasonCancelled)
}

// scheduleNextDose schedules the dose after r if r's schedule is still
// active and unchanged. It is idempotent: the successor of a reminder is
// always the first daily time after its due time, and a reminder is
// inserted once.
func (s *Service) scheduleNextDose(ctx context.Context, r reminder) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var names []string
		var zone string
		var gen int
		var active bool
		err := tx.QueryRow(ctx, sqlMedLock, r.userID, r.ref).Scan(&names, &zone, &gen, &active)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && (!active || gen != r.generation)) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("push: next dose: %w", err)
		}
		times, err := parseDailyTimes(names)
		if err != nil {
			return fmt.Errorf("push: next dose: %w", err)
		}
		loc, err := loadZone(zone)
		if err != nil {
			return fmt.Errorf("push: next dose: %w", err)
		}
		_, err = s.enqueue(ctx, tx, s.dose(r.userID, r.ref, gen, nextDaily(r.due, times, loc), loc, zone))
		return err
	})
}

// dose is the reminder of one dose at due.
func (s *Service) dose(userID, medID int64, gen int, due time.Time, loc *time.Location, zone string) reminder {
	return reminder{
		userID: userID, kind: KindMedication, ref: medID, generation: gen,
		due: due, relevantUntil: due.Add(s.cfg.MedicationStale), wall: wallIn(due, loc), zone: &zone,
	}
}

// parseDailyTimes parses, sorts and de-duplicates HH:MM times.
func parseDailyTimes(in []string) ([]clock, error) {
	if len(in) == 0 || len(in) > maxDailyTimes {
		return nil, ErrDailyTimes
	}
	out := make([]clock, 0, len(in))
	for _, s := range in {
		c, err := parseClock(s)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b clock) int { return a.minutes() - b.minutes() })
	return out, nil
}
