package visits

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Reschedule moves a booked visit to newStart, keeping its id, type and
// video room. It is atomic: the old time is given up only if the new one
// is taken; on ErrSlotTaken (or ErrPatientBusy) nothing changes. The
// reminders move with it, the freed old time is offered to the waitlist,
// and one audit row (visits.reschedule) is written. Authorization and the
// checks are those of Book for the new time and of Cancel for the old
// (ErrTooLate, ErrTooSoon, ErrNotASlot, ErrInPast, ErrNotBooked,
// ErrNotOnTeam).
func (s *Service) Reschedule(ctx context.Context, actor account.Actor, appointmentID int64, newStart time.Time) (Appointment, error) {
	a, err := s.appt(ctx, appointmentID)
	if err != nil {
		return Appointment{}, err
	}
	if err := s.mayBookWith(ctx, actor, a.PatientID, a.ClinicianID); err != nil {
		return Appointment{}, err
	}
	vt, err := s.visitType(ctx, a.VisitTypeID, a.ClinicianID, false)
	if err != nil {
		return Appointment{}, err
	}
	if err := s.checkNewStart(actor, newStart); err != nil {
		return Appointment{}, err
	}
	if _, err := s.isSlot(ctx, a.ClinicianID, newStart, vt.Duration()); err != nil {
		return Appointment{}, err
	}
	var moved Appointment
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		old, err := getAppt(ctx, tx, appointmentID, true)
		if err != nil {
			return err
		}
		if old.Status != Booked {
			return ErrNotBooked
		}
		if err := s.checkChange(actor, old.Start); err != nil {
			return err
		}
		row := tx.QueryRow(ctx, sqlMoveAppt, old.ID, newStart, newStart.Add(vt.Duration()), s.now())
		if moved, err = scanAppt(row); err != nil {
			return overlapError(err, "reschedule")
		}
		if err := s.reminders.ScheduleAppointmentReminders(ctx, tx, moved.PatientID, moved.ID, moved.Start, moved.Zone); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, "visits.reschedule", moved.PatientID, apptTarget(moved.ID)); err != nil {
			return err
		}
		if old.End.After(moved.Start) && moved.End.After(old.Start) {
			return nil // the old time overlaps the new: nothing whole is freed
		}
		return s.offerFreed(ctx, tx, old)
	})
	if err != nil {
		return Appointment{}, err
	}
	s.log.InfoContext(ctx, "visit rescheduled", "appointment_id", appointmentID, "actor_id", actor.UserID)
	return moved, nil
}
