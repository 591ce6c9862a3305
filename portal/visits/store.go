package visits

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	sqlApptCols = `id, patient_id, clinician_id, visit_type_id, lower(during), upper(during), zone, modality,
		status, hold_until, coalesce(waitlist_id, 0)`
	sqlApptByID   = `SELECT ` + sqlApptCols + ` FROM visit_appointments WHERE id = $1`
	sqlApptLock   = sqlApptByID + ` FOR UPDATE`
	sqlInsertAppt = `INSERT INTO visit_appointments (patient_id, clinician_id, visit_type_id, during, zone, modality,
			status, hold_until, waitlist_id, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, tstzrange($4, $5, '[)'), $6, $7, $8, $9, $10, $11, $12, $12)
		RETURNING ` + sqlApptCols
	sqlSetStatus = `UPDATE visit_appointments SET status = $2, hold_until = NULL, updated_at = $3,
			cancelled_by = CASE WHEN $2 = 'cancelled' THEN $4::bigint END,
			cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3::timestamptz END
		WHERE id = $1`
	sqlMoveAppt = `UPDATE visit_appointments SET during = tstzrange($2, $3, '[)'), updated_at = $4 WHERE id = $1
		RETURNING ` + sqlApptCols
)

// scanAppt scans the columns of sqlApptCols.
func scanAppt(r pgx.Row) (Appointment, error) {
	var a Appointment
	var modality, status string
	var hold *time.Time
	err := r.Scan(&a.ID, &a.PatientID, &a.ClinicianID, &a.VisitTypeID, &a.Start, &a.End, &a.Zone, &modality,
		&status, &hold, &a.WaitlistID)
	a.Modality, a.Status = Modality(modality), Status(status)
	if hold != nil {
		a.HoldUntil = *hold
	}
	return a, err
}

// getAppt loads an appointment through q (with FOR UPDATE when lock);
// ErrNoAppointment when there is none.
func getAppt(ctx context.Context, q pgx.Tx, id int64, lock bool) (Appointment, error) {
	sql := sqlApptByID
	if lock {
		sql = sqlApptLock
	}
	a, err := scanAppt(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Appointment{}, ErrNoAppointment
	}
	if err != nil {
		return Appointment{}, fmt.Errorf("visits: appointment %d: %w", id, err)
	}
	return a, nil
}

// appt loads an appointment outside any transaction, to learn whose it is
// before authorizing; ErrNoAppointment when there is none.
func (s *Service) appt(ctx context.Context, id int64) (Appointment, error) {
	a, err := scanAppt(s.pool.QueryRow(ctx, sqlApptByID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Appointment{}, ErrNoAppointment
	}
	if err != nil {
		return Appointment{}, fmt.Errorf("visits: appointment %d: %w", id, err)
	}
	return a, nil
}

// setStatus changes an appointment's status in tx, recording who cancelled.
func (s *Service) setStatus(ctx context.Context, tx pgx.Tx, id int64, st Status, by int64) error {
	if _, err := tx.Exec(ctx, sqlSetStatus, id, string(st), s.now(), by); err != nil {
		return fmt.Errorf("visits: set status: %w", err)
	}
	return nil
}
