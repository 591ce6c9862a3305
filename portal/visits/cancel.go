package visits

import (
	"context"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Cancel cancels a booked visit, atomically with its reminders, the offer
// of the freed time to the first matching waitlist entry, and its audit
// row (visits.cancel). The actor must be allowed to write the patient's
// data. A patient may cancel only until Options.ChangeNotice before the
// start (ErrTooLate, whose message says to call the clinic or message the
// care team); nobody may cancel a visit that has started (ErrInPast).
// ErrNoAppointment, ErrNotBooked (already cancelled, or an offer: see
// DeclineOffer).
func (s *Service) Cancel(ctx context.Context, actor account.Actor, appointmentID int64) error {
	a, err := s.appt(ctx, appointmentID)
	if err != nil {
		return err
	}
	if err := s.access.Authorize(ctx, actor, account.Write, a.PatientID); err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := getAppt(ctx, tx, appointmentID, true)
		if err != nil {
			return err
		}
		if a.Status != Booked {
			return ErrNotBooked
		}
		if err := s.checkChange(actor, a.Start); err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, a.ID, Cancelled, actor.UserID); err != nil {
			return err
		}
		if err := s.reminders.CancelAppointmentReminders(ctx, tx, a.PatientID, a.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, "visits.cancel", a.PatientID, apptTarget(a.ID)); err != nil {
			return err
		}
		return s.offerFreed(ctx, tx, a)
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "visit cancelled", "appointment_id", appointmentID, "actor_id", actor.UserID)
	return nil
}
