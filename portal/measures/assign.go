package measures

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// AssignRequest asks a patient to complete an instrument.
type AssignRequest struct {
	PatientID  int64
	Instrument string
	// Due is the first due time (for a pre-visit questionnaire, the
	// appointment's start). It may be past (due now), at most two years ahead.
	Due time.Time
	// Zone is the patient's IANA zone: reminders keep its wall time.
	Zone string
	// EveryDays repeats the assignment every 1–365 days after each due
	// time; 0 asks once.
	EveryDays int
	// AppointmentID makes this the pre-visit questionnaire of an
	// appointment (asked once). Assigning the same instrument for the same
	// appointment again moves the open assignment to the new Due (the visit
	// was rescheduled) rather than adding another.
	AppointmentID int64
}

// maxAhead bounds how far ahead a questionnaire may be due.
const maxAhead = 2 * 365 * 24 * time.Hour

const (
	sqlInsertAssignment = `INSERT INTO measure_assignments
		(patient_id, instrument, assigned_by, every_days, appointment_id, zone, due_at, created_at)
		VALUES ($1, $2, $3, nullif($4::int, 0), nullif($5::bigint, 0), $6, $7, $8)
		ON CONFLICT (appointment_id, instrument) WHERE appointment_id IS NOT NULL DO UPDATE
		SET due_at = excluded.due_at, zone = excluded.zone, ended_at = NULL
		WHERE measure_assignments.patient_id = excluded.patient_id AND measure_assignments.completed_at IS NULL
		RETURNING ` + assignmentColumns
	sqlVisitAssignment = `SELECT ` + assignmentColumns + ` FROM measure_assignments
		WHERE appointment_id = $1 AND instrument = $2`
)

// Assign records an assignment and schedules its reminder, in one
// transaction audited as measures.write. Only a clinician the access policy
// admits may assign (ErrCareTeamOnly for anyone else the policy admits).
// Bad input fails with fault.Invalid before anything is written. For an
// appointment whose questionnaire was already completed, the completed
// assignment is returned unchanged; an appointment already used for another
// patient fails with ErrAppointmentTaken.
func (s *Service) Assign(ctx context.Context, actor account.Actor, req AssignRequest) (Assignment, error) {
	if err := s.allowClinician(ctx, actor, req.PatientID); err != nil {
		return Assignment{}, err
	}
	loc, err := req.check(s.now())
	if err != nil {
		return Assignment{}, err
	}
	var a Assignment
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		a, err = scanAssignment(tx.QueryRow(ctx, sqlInsertAssignment, req.PatientID, req.Instrument, actor.UserID,
			req.EveryDays, req.AppointmentID, req.Zone, req.Due, s.now()))
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if err := s.existingVisit(ctx, tx, req, &a); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("measures: assign: %w", err)
		default:
			if err := s.rem.ScheduleQuestionnaireDue(ctx, tx, a.PatientID, a.ID, a.Due.In(loc)); err != nil {
				return fmt.Errorf("measures: assignment %d reminder: %w", a.ID, err)
			}
		}
		return s.audit(ctx, tx, actor, actionWrite, req.PatientID, "assignment:"+itoa(a.ID))
	})
	if err != nil {
		return Assignment{}, err
	}
	s.log.InfoContext(ctx, "measures: assigned", "assignment_id", a.ID, "patient_id", a.PatientID)
	return a, nil
}

// AssignPreVisit assigns instrument as the pre-visit questionnaire of an
// appointment starting at start (the patient's zone), due at the start. It
// is Assign with AppointmentID set; see Assign for the contract.
func (s *Service) AssignPreVisit(ctx context.Context, actor account.Actor, patientID int64, instrument string,
	appointmentID int64, start time.Time, zone string) (Assignment, error) {
	return s.Assign(ctx, actor, AssignRequest{PatientID: patientID, Instrument: instrument, Due: start,
		Zone: zone, AppointmentID: appointmentID})
}

// existingVisit handles a pre-visit assignment the upsert did not touch.
func (s *Service) existingVisit(ctx context.Context, tx pgx.Tx, req AssignRequest, a *Assignment) error {
	got, err := scanAssignment(tx.QueryRow(ctx, sqlVisitAssignment, req.AppointmentID, req.Instrument))
	if err != nil {
		return fmt.Errorf("measures: visit assignment: %w", err)
	}
	if got.PatientID != req.PatientID {
		return ErrAppointmentTaken
	}
	*a = got
	return nil
}

// check validates req and returns the patient's zone.
func (req AssignRequest) check(now time.Time) (*time.Location, error) {
	if _, err := Lookup(req.Instrument); err != nil {
		return nil, err
	}
	loc, err := loadZone(req.Zone)
	switch {
	case err != nil:
		return nil, err
	case req.Due.IsZero() || req.Due.After(now.Add(maxAhead)):
		return nil, ErrBadDue
	case req.EveryDays < 0 || req.EveryDays > 365:
		return nil, ErrBadEvery
	case req.AppointmentID < 0:
		return nil, ErrBadAppointment
	case req.AppointmentID > 0 && req.EveryDays > 0:
		return nil, ErrPreVisitRepeat
	}
	return loc, nil
}

// EndAssignment stops an assignment (nothing more is due) and cancels its
// reminder, audited as measures.write. Only a clinician the policy admits
// may end one; ending an ended assignment is a no-op. ErrNoAssignment when
// patientID has no such assignment.
func (s *Service) EndAssignment(ctx context.Context, actor account.Actor, patientID, assignmentID int64) error {
	if err := s.allowClinician(ctx, actor, patientID); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := lockAssignment(ctx, tx, assignmentID, patientID)
		if err != nil {
			return err
		}
		if a.EndedAt.IsZero() {
			if _, err := tx.Exec(ctx, sqlEndAssignment, a.ID, s.now()); err != nil {
				return fmt.Errorf("measures: end assignment %d: %w", a.ID, err)
			}
			if err := s.rem.CancelQuestionnaire(ctx, tx, patientID, a.ID); err != nil {
				return fmt.Errorf("measures: assignment %d reminder: %w", a.ID, err)
			}
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "assignment:"+itoa(a.ID))
	})
}

// Assignments lists patientID's open assignments, soonest due first (overdue
// ones first of all), audited as measures.read. The patient and anyone the
// policy admits may list them.
func (s *Service) Assignments(ctx context.Context, actor account.Actor, patientID int64) ([]Assignment, error) {
	if err := s.allow(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	var out []Assignment
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlOpenAssignments, patientID)
		if err != nil {
			return fmt.Errorf("measures: assignments: %w", err)
		}
		if out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Assignment, error) { return scanAssignment(r) }); err != nil {
			return fmt.Errorf("measures: assignments: %w", err)
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "assignments")
	})
	return out, err
}
