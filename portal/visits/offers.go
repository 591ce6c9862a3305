package visits

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// sqlCandidates: entries waiting for clinician $1 whose visit fits in
	// [$2, $3) and starts before their date, holding no offer, of patients
	// other than $4 (who just gave the time up) who never cancelled or let
	// pass this time with this clinician; first in line first, at most 20
	// considered.
	sqlCandidates = `SELECT w.id, w.patient_id, t.id, t.minutes, t.modality
		FROM visit_waitlist w JOIN visit_types t ON t.id = w.visit_type_id
		WHERE w.clinician_id = $1 AND w.state = 'waiting' AND w.before > $2 AND t.active AND w.patient_id <> $4
		  AND $2 + make_interval(mins => t.minutes) <= $3
		  AND NOT EXISTS (SELECT 1 FROM visit_appointments h WHERE h.waitlist_id = w.id AND h.status = 'held')
		  AND NOT EXISTS (SELECT 1 FROM visit_appointments x WHERE x.patient_id = w.patient_id AND x.clinician_id = $1
		        AND x.status IN ('cancelled', 'lapsed') AND x.during && tstzrange($2, $3, '[)'))
		ORDER BY w.created_at, w.id
		LIMIT 20
		FOR UPDATE OF w SKIP LOCKED`
	sqlDueHold = `SELECT id, patient_id FROM visit_appointments WHERE status = 'held' AND hold_until <= $1
		ORDER BY hold_until, id LIMIT 1 FOR UPDATE SKIP LOCKED`
	sqlWaitlistBooked = `UPDATE visit_waitlist SET state = 'booked', updated_at = $2 WHERE id = $1`
)

// candidate is a waitlist entry that may be offered a freed slot.
type candidate struct {
	waitlistID, patientID, typeID int64
	minutes                       int
	modality                      string
}

// offerFreed offers the time of a, just freed by its cancellation,
// reschedule or lapse, in tx, to the first waitlist entry in line that
// matches it: of another patient, still on the clinician's care team, with
// no visit then, and the time at least the booking notice away. It makes at
// most one offer.
func (s *Service) offerFreed(ctx context.Context, tx pgx.Tx, a Appointment) error {
	clinicianID, start, end, zone := a.ClinicianID, a.Start, a.End, a.Zone
	now := s.now()
	if start.Before(now.Add(s.book)) {
		return nil
	}
	rows, err := tx.Query(ctx, sqlCandidates, clinicianID, start, end, a.PatientID)
	if err != nil {
		return fmt.Errorf("visits: waitlist candidates: %w", err)
	}
	cands, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (candidate, error) {
		var c candidate
		err := r.Scan(&c.waitlistID, &c.patientID, &c.typeID, &c.minutes, &c.modality)
		return c, err
	})
	if err != nil {
		return fmt.Errorf("visits: waitlist candidates: %w", err)
	}
	for _, c := range cands {
		ok, err := s.onTeam(ctx, c.patientID, clinicianID)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		done, err := s.offer(ctx, tx, clinicianID, c, start, zone, now)
		if done || err != nil {
			return err
		}
	}
	return nil
}

// offer holds the slot at start for c, in a savepoint. It reports done
// when the offer was made or the clinician's time is no longer free, and
// not done when c's patient turned out to be busy then (try the next).
func (s *Service) offer(ctx context.Context, tx pgx.Tx, clinicianID int64, c candidate, start time.Time, zone string, now time.Time) (bool, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("visits: offer: %w", err)
	}
	end := start.Add(time.Duration(c.minutes) * time.Minute)
	a, err := scanAppt(sp.QueryRow(ctx, sqlInsertAppt, c.patientID, clinicianID, c.typeID, start, end, zone,
		c.modality, string(Held), now.Add(s.hold), c.waitlistID, int64(0), now))
	if err != nil {
		_ = sp.Rollback(ctx)
		switch mapped := overlapError(err, "offer"); {
		case errors.Is(mapped, ErrPatientBusy):
			return false, nil
		case errors.Is(mapped, ErrSlotTaken):
			return true, nil
		default:
			return false, mapped
		}
	}
	if err := sp.Commit(ctx); err != nil {
		return false, fmt.Errorf("visits: offer: %w", err)
	}
	if err := s.notifier.SlotOffered(ctx, tx, a.PatientID, a.ID); err != nil {
		return false, err
	}
	if err := recordSystem(ctx, tx, "visits.offer", a.PatientID, apptTarget(a.ID)); err != nil {
		return false, err
	}
	s.log.InfoContext(ctx, "waitlist offer made", "appointment_id", a.ID, "waitlist_id", c.waitlistID)
	return true, nil
}

// lapse ends the held offer id in tx (declined, expired or withdrawn) and
// offers its time to the next in line.
func (s *Service) lapse(ctx context.Context, tx pgx.Tx, id int64) error {
	a, err := getAppt(ctx, tx, id, true)
	if err != nil {
		return err
	}
	if a.Status != Held {
		return ErrOfferClosed
	}
	if err := s.setStatus(ctx, tx, a.ID, Lapsed, 0); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "waitlist offer lapsed", "appointment_id", a.ID, "waitlist_id", a.WaitlistID)
	return s.offerFreed(ctx, tx, a)
}
