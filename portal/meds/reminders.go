package meds

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

const sqlSetReminders = `UPDATE med_medications SET reminders_on = $2, zone = $3, updated_at = $4 WHERE id = $1`

// SetReminders turns the patient's dose reminders for a medication on or
// off, in one transaction with the reminder schedule and the audit row
// (meds.reminders). Only the patient may (ErrPatientOnly). zone, when not
// "", replaces the zone of the dose times (the patient's device's zone;
// ErrZone if unknown). Turning on needs dose times (ErrNoTimes) and a
// medication not stopped (ErrStopped). Setting the current state again
// re-schedules (on) or does nothing (off).
func (s *Service) SetReminders(ctx context.Context, actor account.Actor, medID int64, on bool, zone string) error {
	patientID, err := s.patientOf(ctx, medID)
	if err != nil {
		return err
	}
	if err := s.isThePatient(ctx, actor, patientID); err != nil {
		return err
	}
	if zone != "" {
		if _, err := loadZone(zone); err != nil {
			return err
		}
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := loadMed(ctx, tx, medID, true)
		if err != nil {
			return err
		}
		m := cur.Medication
		if zone != "" {
			m.Zone = zone
		}
		switch {
		case !on && !m.RemindersOn:
			return nil
		case !on:
			err = s.reminders.CancelMedication(ctx, tx, patientID, medID)
		case len(m.DailyTimes) == 0:
			return ErrNoTimes
		case m.stoppedBy(s.today(m.Zone)):
			return ErrStopped
		default:
			err = s.reminders.ScheduleMedication(ctx, tx, patientID, medID, m.DailyTimes, m.Zone)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlSetReminders, medID, on, m.Zone, s.now()); err != nil {
			return fmt.Errorf("meds: set reminders: %w", err)
		}
		return record(ctx, tx, actor, "meds.reminders", patientID, medTarget(medID))
	})
}
