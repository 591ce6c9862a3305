package push

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// Reasons a reminder is dropped without (full) delivery.
const (
	reasonStale       = "stale"       // no longer relevant: appointment started, dose too late, …
	reasonOptedOut    = "opted_out"   // the user turned the kind off
	reasonQuiet       = "quiet_hours" // quiet hours outlast its relevance
	reasonNoDevices   = "no_devices"  // the user has no subscription
	reasonUndelivered = "undelivered" // every device is gone or refused it
	reasonGaveUp      = "gave_up"     // Config.MaxRetries rounds of 429/5xx/timeouts
)

// reminderWorker runs reminder jobs.
type reminderWorker struct {
	river.WorkerDefaults[reminderArgs]
	s *Service
}

// Work delivers the reminder or decides not to. It returns nil when the
// reminder is finished (sent, dropped or cancelled), a snooze when it waits
// for quiet hours to end or for a retry, and an error (retried by River)
// when the database fails.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[reminderArgs]) error {
	return w.s.run(ctx, job.Args.Reminder)
}

// Timeout bounds one run.
func (w *reminderWorker) Timeout(*river.Job[reminderArgs]) time.Duration { return jobTimeout }

// run is one run of a reminder job.
func (s *Service) run(ctx context.Context, id int64) error {
	r, err := s.loadReminder(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // the user was deleted
	}
	if err != nil {
		return err
	}
	if r.state != "scheduled" {
		return nil
	}
	if r.kind == KindMedication {
		if err := s.scheduleNextDose(ctx, r); err != nil {
			return err
		}
	}
	now := s.cfg.Now()
	if !now.Before(r.relevantUntil) {
		return s.finish(ctx, r, "dropped", reasonStale)
	}
	if r.kind != KindCrisisAlert {
		rules, err := r.prefs.compile()
		if err != nil {
			s.log.WarnContext(ctx, "push preferences unusable", "reminder_id", r.id, "err", err)
		}
		if rules.optedOut(r.kind) {
			return s.finish(ctx, r, "dropped", reasonOptedOut)
		}
		if end, quiet := rules.quietUntil(now); quiet {
			if !end.Before(r.relevantUntil) {
				return s.finish(ctx, r, "dropped", reasonQuiet)
			}
			s.log.InfoContext(ctx, "push reminder deferred", "reminder_id", r.id, "reason", reasonQuiet, "until", end)
			return river.JobSnooze(end.Sub(now))
		}
	}
	return s.deliver(ctx, r, now)
}

// loadReminder reads a reminder and its user's preferences.
func (s *Service) loadReminder(ctx context.Context, id int64) (reminder, error) {
	var r reminder
	var kind string
	var optOut []string
	err := s.pool.QueryRow(ctx, sqlReminderSelect, id).Scan(&r.id, &r.userID, &kind, &r.ref, &r.generation,
		&r.due, &r.relevantUntil, &r.state, &r.retries,
		&r.prefs.QuietStart, &r.prefs.QuietEnd, &r.prefs.Zone, &optOut)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("push: load reminder: %w", err)
	}
	r.kind = Kind(kind)
	for _, k := range optOut {
		r.prefs.OptOut = append(r.prefs.OptOut, Kind(k))
	}
	return r, err
}

// finish records the reminder's end; a reminder cancelled meanwhile stays
// cancelled.
func (s *Service) finish(ctx context.Context, r reminder, state, reason string) error {
	var why any
	if reason != "" {
		why = reason
	}
	if _, err := s.pool.Exec(ctx, sqlReminderFinish, r.id, state, why); err != nil {
		return fmt.Errorf("push: finish reminder: %w", err)
	}
	if state == "dropped" {
		s.log.InfoContext(ctx, "push reminder dropped", "reminder_id", r.id, "reason", reason)
	}
	return nil
}

// backoff is the delay before retry round n (1, 2, …): RetryBase doubled
// each round, capped at RetryMax.
func (s *Service) backoff(n int) time.Duration {
	d := s.cfg.RetryBase
	for i := 1; i < n && d < s.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, s.cfg.RetryMax)
}
