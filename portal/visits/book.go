package visits

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// BookRequest asks for a visit of a type with a clinician at a slot's start.
type BookRequest struct {
	PatientID   int64
	ClinicianID int64
	VisitTypeID int64
	Start       time.Time // a Slot.Start from OpenSlots
}

// Book books a visit for req.PatientID, atomically with its reminders and
// its audit row (visits.book). The actor must be allowed to write the
// patient's data (account's Authorize) and the clinician must be on the
// patient's care team (ErrNotOnTeam). Start must be one of the
// clinician's slots for the type (ErrNotASlot), in the future (ErrInPast)
// but within a year (ErrTooFar), and for a patient at least
// Options.BookNotice ahead (ErrTooSoon, whose message names the clinic's
// phone). Of concurrent requests for
// overlapping times exactly one succeeds; the others get ErrSlotTaken (or
// ErrPatientBusy when the patient already has a visit then).
func (s *Service) Book(ctx context.Context, actor account.Actor, req BookRequest) (Appointment, error) {
	if err := s.mayBookWith(ctx, actor, req.PatientID, req.ClinicianID); err != nil {
		return Appointment{}, err
	}
	vt, err := s.visitType(ctx, req.VisitTypeID, req.ClinicianID, true)
	if err != nil {
		return Appointment{}, err
	}
	if err := s.checkNewStart(actor, req.Start); err != nil {
		return Appointment{}, err
	}
	zone, err := s.isSlot(ctx, req.ClinicianID, req.Start, vt.Duration())
	if err != nil {
		return Appointment{}, err
	}
	var a Appointment
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		now := s.now()
		row := tx.QueryRow(ctx, sqlInsertAppt, req.PatientID, req.ClinicianID, vt.ID, req.Start, req.Start.Add(vt.Duration()),
			zone, string(vt.Modality), string(Booked), nil, nil, actor.UserID, now)
		var err error
		if a, err = scanAppt(row); err != nil {
			return overlapError(err, "book")
		}
		if err := s.reminders.ScheduleAppointmentReminders(ctx, tx, a.PatientID, a.ID, a.Start, a.Zone); err != nil {
			return err
		}
		return record(ctx, tx, actor, "visits.book", a.PatientID, apptTarget(a.ID))
	})
	if err != nil {
		return Appointment{}, err
	}
	s.log.InfoContext(ctx, "visit booked", "appointment_id", a.ID, "actor_id", actor.UserID)
	return a, nil
}

// maxBookAhead bounds how far ahead a visit may be booked.
const maxBookAhead = 366 * 24 * time.Hour

// checkNewStart checks that a visit may start at start: in the future but
// within a year, and for a patient at least the booking notice ahead.
func (s *Service) checkNewStart(actor account.Actor, start time.Time) error {
	now := s.now()
	if !start.After(now) {
		return ErrInPast
	}
	if start.After(now.Add(maxBookAhead)) {
		return ErrTooFar
	}
	if isPatient(actor) && start.Before(now.Add(s.book)) {
		return s.tooSoon()
	}
	return nil
}

// checkChange checks that a visit starting at start may still be cancelled
// or moved by actor: not started, and for a patient at least the change
// notice ahead.
func (s *Service) checkChange(actor account.Actor, start time.Time) error {
	now := s.now()
	if !start.After(now) {
		return ErrInPast
	}
	if isPatient(actor) && start.Before(now.Add(s.change)) {
		return s.tooLate()
	}
	return nil
}
