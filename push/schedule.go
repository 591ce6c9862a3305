package push

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Cancellation reasons recorded on reminders.
const (
	reasonRescheduled = "rescheduled"
	reasonCancelled   = "cancelled"
	reasonRead        = "read"
	reasonClaimed     = "claimed"
)

// ScheduleAppointmentReminders schedules, in tx, the user's reminders of an
// appointment starting at start: one per Config.AppointmentOffsets before
// the start (24 h and 1 h by default), skipping those already past. It
// replaces the appointment's pending reminders, so a rescheduled appointment
// is simply scheduled again. A reminder is relevant until the appointment
// starts. ErrZone for an unknown zone.
func (s *Service) ScheduleAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, appointmentID int64, start Local) error {
	at, err := start.Instant()
	if err != nil {
		return err
	}
	if err := s.cancel(ctx, tx, userID, KindAppointment, appointmentID, reasonRescheduled); err != nil {
		return err
	}
	now := s.cfg.Now()
	wall, zone := start.Wall, start.Zone
	for _, off := range s.cfg.AppointmentOffsets {
		due := at.Add(-off)
		if !due.After(now) {
			continue
		}
		r := reminder{userID: userID, kind: KindAppointment, ref: appointmentID, due: due, relevantUntil: at, wall: &wall, zone: &zone}
		if _, err := s.enqueue(ctx, tx, r); err != nil {
			return err
		}
	}
	return nil
}

// CancelAppointmentReminders cancels, in tx, the appointment's pending
// reminders (the appointment was cancelled).
func (s *Service) CancelAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, appointmentID int64) error {
	return s.cancel(ctx, tx, userID, KindAppointment, appointmentID, reasonCancelled)
}

// ScheduleQuestionnaireDue schedules, in tx, a reminder at the
// questionnaire's due time, relevant for Config.QuestionnaireStale after
// it, replacing a pending one. A due time already that stale schedules
// nothing. ErrZone for an unknown zone.
func (s *Service) ScheduleQuestionnaireDue(ctx context.Context, tx pgx.Tx, userID, questionnaireID int64, due Local) error {
	at, err := due.Instant()
	if err != nil {
		return err
	}
	if err := s.cancel(ctx, tx, userID, KindQuestionnaire, questionnaireID, reasonRescheduled); err != nil {
		return err
	}
	until := at.Add(s.cfg.QuestionnaireStale)
	if !until.After(s.cfg.Now()) {
		return nil
	}
	wall, zone := due.Wall, due.Zone
	_, err = s.enqueue(ctx, tx, reminder{userID: userID, kind: KindQuestionnaire, ref: questionnaireID, due: at, relevantUntil: until, wall: &wall, zone: &zone})
	return err
}

// CancelQuestionnaire cancels, in tx, the questionnaire's pending reminder
// (it was completed or withdrawn).
func (s *Service) CancelQuestionnaire(ctx context.Context, tx pgx.Tx, userID, questionnaireID int64) error {
	return s.cancel(ctx, tx, userID, KindQuestionnaire, questionnaireID, reasonCancelled)
}

const (
	sqlNoticeArm    = `INSERT INTO push_message_notices (user_id, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	sqlNoticeRearm  = `DELETE FROM push_message_notices WHERE user_id = $1 AND conversation_id = $2`
	sqlCrisisCancel = sqlReminderCancelAll
)

// NotifyNewMessage tells the user, once, that the conversation has a new
// message: further calls do nothing until MarkRead. The notice is durable
// and goes out at once (quiet hours and opt-out permitting); it is dropped
// if the user reads the conversation first.
func (s *Service) NotifyNewMessage(ctx context.Context, userID, conversationID int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sqlNoticeArm, userID, conversationID)
		if err != nil {
			return fmt.Errorf("push: notify message: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		now := s.cfg.Now()
		_, err = s.enqueue(ctx, tx, reminder{userID: userID, kind: KindMessage, ref: conversationID, due: now, relevantUntil: now.Add(s.cfg.MessageStale)})
		return err
	})
}

// MarkRead records that the user read the conversation: a pending notice
// is dropped (reason "read") and the next new message notifies again.
func (s *Service) MarkRead(ctx context.Context, userID, conversationID int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlNoticeRearm, userID, conversationID); err != nil {
			return fmt.Errorf("push: mark read: %w", err)
		}
		return s.cancel(ctx, tx, userID, KindMessage, conversationID, reasonRead)
	})
}

// CrisisAlert alerts each counselor, at once and with high urgency, that
// the escalation needs someone. Quiet hours and opt-outs do not apply. An
// alert stays worth delivering for Config.CrisisStale.
func (s *Service) CrisisAlert(ctx context.Context, counselorIDs []int64, escalationID int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return s.CrisisAlertTx(ctx, tx, counselorIDs, escalationID)
	})
}

// CrisisAlertTx is CrisisAlert inside the caller's transaction.
func (s *Service) CrisisAlertTx(ctx context.Context, tx pgx.Tx, counselorIDs []int64, escalationID int64) error {
	now := s.cfg.Now()
	for _, id := range counselorIDs {
		r := reminder{userID: id, kind: KindCrisisAlert, ref: escalationID, due: now, relevantUntil: now.Add(s.cfg.CrisisStale)}
		if _, err := s.enqueue(ctx, tx, r); err != nil {
			return err
		}
	}
	return nil
}

// CancelCrisisAlerts drops the escalation's alerts not yet sent (it was
// claimed), for every counselor.
func (s *Service) CancelCrisisAlerts(ctx context.Context, escalationID int64) error {
	rows, err := s.pool.Query(ctx, sqlCrisisCancel, string(KindCrisisAlert), escalationID, reasonClaimed)
	return s.logCancelled(ctx, rows, err, reasonClaimed)
}
