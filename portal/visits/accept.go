package visits

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// AcceptOffer books a held waitlist offer for its patient, atomically with
// its reminders and its audit row (visits.offer_accept); the waitlist entry
// is then done. ErrNoOffer for an unknown offer, ErrOfferExpired once its
// hold has passed, ErrOfferClosed when it was declined or withdrawn.
func (s *Service) AcceptOffer(ctx context.Context, actor account.Actor, offerID int64) (Appointment, error) {
	if err := s.mayActOnOffer(ctx, actor, offerID); err != nil {
		return Appointment{}, err
	}
	var a Appointment
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		held, err := s.openOffer(ctx, tx, offerID)
		if err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, held.ID, Booked, 0); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlWaitlistBooked, held.WaitlistID, s.now()); err != nil {
			return fmt.Errorf("visits: accept offer: %w", err)
		}
		if err := s.reminders.ScheduleAppointmentReminders(ctx, tx, held.PatientID, held.ID, held.Start, held.Zone); err != nil {
			return err
		}
		if a, err = getAppt(ctx, tx, held.ID, false); err != nil {
			return err
		}
		return record(ctx, tx, actor, "visits.offer_accept", held.PatientID, apptTarget(held.ID))
	})
	if err != nil {
		return Appointment{}, err
	}
	s.log.InfoContext(ctx, "waitlist offer accepted", "appointment_id", a.ID, "actor_id", actor.UserID)
	return a, nil
}

// DeclineOffer gives a held offer up; it passes to the next in line, and
// the patient's waitlist entry keeps waiting for other times. Audited as
// visits.offer_decline. Errors as for AcceptOffer.
func (s *Service) DeclineOffer(ctx context.Context, actor account.Actor, offerID int64) error {
	if err := s.mayActOnOffer(ctx, actor, offerID); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		held, err := s.openOffer(ctx, tx, offerID)
		if err != nil {
			return err
		}
		if err := record(ctx, tx, actor, "visits.offer_decline", held.PatientID, apptTarget(held.ID)); err != nil {
			return err
		}
		return s.lapse(ctx, tx, held.ID)
	})
}

// mayActOnOffer authorizes actor to write the data of the offer's patient.
func (s *Service) mayActOnOffer(ctx context.Context, actor account.Actor, offerID int64) error {
	a, err := s.appt(ctx, offerID)
	if errors.Is(err, ErrNoAppointment) || err == nil && a.WaitlistID == 0 {
		return ErrNoOffer
	}
	if err != nil {
		return err
	}
	return s.access.Authorize(ctx, actor, account.Write, a.PatientID)
}

// openOffer locks an offer in tx and checks it is still held and in time.
func (s *Service) openOffer(ctx context.Context, tx pgx.Tx, offerID int64) (Appointment, error) {
	a, err := getAppt(ctx, tx, offerID, true)
	if err != nil {
		return Appointment{}, err
	}
	if a.Status != Held {
		return Appointment{}, ErrOfferClosed
	}
	if !s.now().Before(a.HoldUntil) {
		return Appointment{}, ErrOfferExpired
	}
	return a, nil
}

// maxExpirePerRun bounds the offers one ExpireOffers call lapses.
const maxExpirePerRun = 1000

// ExpireOffers lapses every held offer whose hold has passed, each in its
// own transaction with its audit row (visits.offer_lapse, by the system),
// and offers its time to the next in line. It returns how many lapsed. Any
// node may run it at any time: offers being handled elsewhere are skipped.
func (s *Service) ExpireOffers(ctx context.Context) (int, error) {
	for n := 0; n < maxExpirePerRun; n++ {
		found := false
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var id, patientID int64
			err := tx.QueryRow(ctx, sqlDueHold, s.now()).Scan(&id, &patientID)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("visits: expire offers: %w", err)
			}
			found = true
			if err := recordSystem(ctx, tx, "visits.offer_lapse", patientID, apptTarget(id)); err != nil {
				return err
			}
			return s.lapse(ctx, tx, id)
		})
		if err != nil || !found {
			return n, err
		}
	}
	return maxExpirePerRun, nil
}

// RunExpiry calls ExpireOffers every interval (DefaultExpiryEvery when
// zero or less) until ctx ends, logging failures, and returns ctx's error.
func (s *Service) RunExpiry(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = DefaultExpiryEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if n, err := s.ExpireOffers(ctx); err != nil {
				s.log.ErrorContext(ctx, "visits: expiring offers failed", "lapsed", n, "err", err)
			}
		}
	}
}
