package push

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// reminder is a row of push_reminders.
type reminder struct {
	id            int64
	userID        int64
	kind          Kind
	ref           int64
	generation    int
	due           time.Time
	relevantUntil time.Time
	wall          *time.Time // local wall time it was scheduled from
	zone          *string
	state         string
	retries       int
	prefs         Preferences // the user's, read with the reminder
}

// reminderArgs are the River job arguments: the reminder's id, nothing else.
type reminderArgs struct {
	Reminder int64 `json:"reminder"`
}

// Kind is the River job kind.
func (reminderArgs) Kind() string { return "haven.push.reminder" }

const (
	sqlReminderInsert = `INSERT INTO push_reminders (user_id, kind, ref, generation, due_at, relevant_until, wall, zone)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (user_id, kind, ref, due_at) WHERE state <> 'cancelled' DO NOTHING
		RETURNING id`
	sqlReminderCancel = `UPDATE push_reminders SET state = 'cancelled', reason = $4, done_at = now()
		WHERE user_id = $1 AND kind = $2 AND ref = $3 AND state = 'scheduled'
		RETURNING id`
	sqlReminderCancelAll = `UPDATE push_reminders SET state = 'cancelled', reason = $3, done_at = now()
		WHERE kind = $1 AND ref = $2 AND state = 'scheduled'
		RETURNING id`
	// sqlReminderSelect reads a reminder with its user's preferences.
	sqlReminderSelect = `SELECT r.id, r.user_id, r.kind, r.ref, r.generation, r.due_at, r.relevant_until, r.state, r.retries,
			coalesce(p.quiet_start, ''), coalesce(p.quiet_end, ''), coalesce(p.zone, ''), coalesce(p.opted_out, '{}')
		FROM push_reminders r LEFT JOIN push_preferences p ON p.user_id = r.user_id WHERE r.id = $1`
	sqlReminderFinish = `UPDATE push_reminders SET state = $2, reason = $3, done_at = now()
		WHERE id = $1 AND state = 'scheduled'`
	sqlReminderRetried = `UPDATE push_reminders SET retries = retries + 1 WHERE id = $1 RETURNING retries`
)

// priority orders River jobs: crisis alerts first, then messages.
func priority(k Kind) int {
	switch k {
	case KindCrisisAlert:
		return 1
	case KindMessage:
		return 2
	}
	return 3
}

// enqueue inserts r and its job in tx. It inserts nothing and reports
// false when the same reminder (user, kind, ref, due time) is already
// scheduled or done.
func (s *Service) enqueue(ctx context.Context, tx pgx.Tx, r reminder) (bool, error) {
	err := tx.QueryRow(ctx, sqlReminderInsert, r.userID, string(r.kind), r.ref, r.generation,
		r.due, r.relevantUntil, r.wall, r.zone).Scan(&r.id)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("push: schedule reminder: %w", err)
	}
	opts := &river.InsertOpts{Queue: s.queue, Priority: priority(r.kind)}
	if r.due.After(s.cfg.Now()) {
		opts.ScheduledAt = r.due
	}
	if _, err := s.river.InsertTx(ctx, tx, reminderArgs{Reminder: r.id}, opts); err != nil {
		return false, fmt.Errorf("push: enqueue reminder: %w", err)
	}
	return true, nil
}

// cancel marks the user's scheduled reminders of kind about ref cancelled,
// recording reason; their jobs then end without sending.
func (s *Service) cancel(ctx context.Context, tx pgx.Tx, userID int64, kind Kind, ref int64, reason string) error {
	rows, err := tx.Query(ctx, sqlReminderCancel, userID, string(kind), ref, reason)
	return s.logCancelled(ctx, rows, err, reason)
}

// logCancelled logs the ids a cancelling query returned.
func (s *Service) logCancelled(ctx context.Context, rows pgx.Rows, err error, reason string) error {
	if err != nil {
		return fmt.Errorf("push: cancel reminders: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("push: cancel reminders: %w", err)
	}
	for _, id := range ids {
		s.log.InfoContext(ctx, "push reminder cancelled", "reminder_id", id, "reason", reason)
	}
	return nil
}

// wallIn returns t's wall clock in loc as a zone-less timestamp, for the record.
func wallIn(t time.Time, loc *time.Location) *time.Time {
	l := t.In(loc)
	w := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
	return &w
}
