package measures

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Assignment is a clinician's request that a patient complete an
// instrument: once, every EveryDays days, or before a visit.
type Assignment struct {
	ID            int64
	PatientID     int64
	Instrument    string
	AssignedBy    int64
	EveryDays     int   // 0: once
	AppointmentID int64 // a pre-visit questionnaire's appointment; 0 when none
	Zone          string
	Due           time.Time // the next due time; zero once completed (one-off) or ended
	CreatedAt     time.Time
	CompletedAt   time.Time // the last completion; zero when never completed
	EndedAt       time.Time // zero unless a clinician ended it
}

// Open reports whether the assignment is still due.
func (a Assignment) Open() bool { return !a.Due.IsZero() }

const assignmentColumns = `id, patient_id, instrument, assigned_by, coalesce(every_days, 0),
	coalesce(appointment_id, 0), zone, due_at, created_at, completed_at, ended_at`

const (
	sqlLockAssignment = `SELECT ` + assignmentColumns + ` FROM measure_assignments
		WHERE id = $1 AND patient_id = $2 FOR UPDATE`
	sqlOpenAssignments = `SELECT ` + assignmentColumns + ` FROM measure_assignments
		WHERE patient_id = $1 AND due_at IS NOT NULL ORDER BY due_at, id`
	sqlCompleteAssignment = `UPDATE measure_assignments SET due_at = $2, completed_at = $3 WHERE id = $1`
	sqlEndAssignment      = `UPDATE measure_assignments SET due_at = NULL, ended_at = $2 WHERE id = $1`
)

func scanAssignment(row pgx.Row) (Assignment, error) {
	var a Assignment
	var due, completed, ended *time.Time
	err := row.Scan(&a.ID, &a.PatientID, &a.Instrument, &a.AssignedBy, &a.EveryDays, &a.AppointmentID, &a.Zone,
		&due, &a.CreatedAt, &completed, &ended)
	a.Due, a.CompletedAt, a.EndedAt = deref(due), deref(completed), deref(ended)
	return a, err
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// lockAssignment reads patientID's assignment id for update, or fails with
// ErrNoAssignment.
func lockAssignment(ctx context.Context, tx pgx.Tx, id, patientID int64) (Assignment, error) {
	a, err := scanAssignment(tx.QueryRow(ctx, sqlLockAssignment, id, patientID))
	if errors.Is(err, pgx.ErrNoRows) {
		return Assignment{}, ErrNoAssignment
	}
	if err != nil {
		return Assignment{}, fmt.Errorf("measures: lock assignment %d: %w", id, err)
	}
	return a, nil
}

// complete records a completion of a at now: a one-off assignment closes
// and its reminder is cancelled; a repeating one moves to its next due time
// and schedules that reminder.
func (s *Service) complete(ctx context.Context, tx pgx.Tx, a Assignment, now time.Time) error {
	var next *time.Time
	var err error
	if a.EveryDays > 0 {
		loc, lerr := loadZone(a.Zone)
		if lerr != nil {
			return fmt.Errorf("measures: assignment %d zone: %w", a.ID, lerr)
		}
		n := nextDue(a.Due.In(loc), a.EveryDays, now)
		next = &n
		err = s.rem.ScheduleQuestionnaireDue(ctx, tx, a.PatientID, a.ID, n)
	} else {
		err = s.rem.CancelQuestionnaire(ctx, tx, a.PatientID, a.ID)
	}
	if err != nil {
		return fmt.Errorf("measures: assignment %d reminder: %w", a.ID, err)
	}
	if _, err := tx.Exec(ctx, sqlCompleteAssignment, a.ID, next, now); err != nil {
		return fmt.Errorf("measures: complete assignment %d: %w", a.ID, err)
	}
	return nil
}

// nextDue is the first due time after now on due's schedule of every days,
// at least one period after due, keeping due's local wall time (due is in
// the patient's zone).
func nextDue(due time.Time, every int, now time.Time) time.Time {
	next := due.AddDate(0, 0, every)
	if behind := int(now.Sub(next).Hours() / 24); behind > every {
		next = next.AddDate(0, 0, behind/every*every)
	}
	for !next.After(now) {
		next = next.AddDate(0, 0, every)
	}
	return next
}

// loadZone loads an IANA zone, refusing "" and "Local" (which name no zone).
func loadZone(zone string) (*time.Location, error) {
	if zone == "" || zone == "Local" || len(zone) > 64 {
		return nil, ErrBadZone
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, ErrBadZone
	}
	return loc, nil
}
