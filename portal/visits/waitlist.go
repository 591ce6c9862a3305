package visits

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"haven/portal/account"
)

// maxWaitAhead bounds how far ahead a waitlist entry's Before may lie.
const maxWaitAhead = 366 * 24 * time.Hour

// WaitlistRequest asks to be offered a slot with a clinician before a time.
type WaitlistRequest struct {
	PatientID   int64
	ClinicianID int64
	VisitTypeID int64
	Before      time.Time // offered slots start before this instant
}

const (
	sqlJoinWaitlist = `INSERT INTO visit_waitlist (patient_id, clinician_id, visit_type_id, before, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`
	sqlWaitlistPatient = `SELECT patient_id FROM visit_waitlist WHERE id = $1`
	sqlLeaveWaitlist   = `UPDATE visit_waitlist SET state = 'withdrawn', updated_at = $2 WHERE id = $1 AND state = 'waiting'`
	sqlHeldOf          = `SELECT id FROM visit_appointments WHERE waitlist_id = $1 AND status = 'held' FOR UPDATE`
	sqlWaitlistOf      = `SELECT w.id, w.patient_id, w.clinician_id, w.visit_type_id, w.before, w.state, w.created_at,
			coalesce(h.id, 0), h.hold_until
		FROM visit_waitlist w
		LEFT JOIN visit_appointments h ON h.waitlist_id = w.id AND h.status = 'held'
		WHERE w.patient_id = $1 AND w.state = 'waiting'
		ORDER BY w.created_at, w.id`
)

// JoinWaitlist puts the patient in line for an earlier slot with the
// clinician (one entry per patient and clinician: ErrOnWaitlist). The
// actor must be allowed to write the patient's data and the clinician must
// be on the care team (ErrNotOnTeam). Before must lie after the booking
// notice and within a year (ErrRange). Audited as visits.waitlist_join.
func (s *Service) JoinWaitlist(ctx context.Context, actor account.Actor, req WaitlistRequest) (WaitlistEntry, error) {
	if err := s.mayBookWith(ctx, actor, req.PatientID, req.ClinicianID); err != nil {
		return WaitlistEntry{}, err
	}
	if _, err := s.visitType(ctx, req.VisitTypeID, req.ClinicianID, true); err != nil {
		return WaitlistEntry{}, err
	}
	now := s.now()
	if !req.Before.After(now.Add(s.book)) || req.Before.After(now.Add(maxWaitAhead)) {
		return WaitlistEntry{}, ErrRange
	}
	e := WaitlistEntry{PatientID: req.PatientID, ClinicianID: req.ClinicianID, VisitTypeID: req.VisitTypeID,
		Before: req.Before, State: "waiting", CreatedAt: now}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, sqlJoinWaitlist, e.PatientID, e.ClinicianID, e.VisitTypeID, e.Before, now).Scan(&e.ID)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return ErrOnWaitlist
		}
		if err != nil {
			return fmt.Errorf("visits: join waitlist: %w", err)
		}
		return record(ctx, tx, actor, "visits.waitlist_join", e.PatientID, waitTarget(e.ID))
	})
	if err != nil {
		return WaitlistEntry{}, err
	}
	return e, nil
}

// LeaveWaitlist takes an entry out of line; an offer it holds lapses and
// passes to the next in line. Leaving twice is a no-op. Audited as
// visits.waitlist_leave. ErrNoWaitlist for an unknown entry.
func (s *Service) LeaveWaitlist(ctx context.Context, actor account.Actor, entryID int64) error {
	var patientID int64
	err := s.pool.QueryRow(ctx, sqlWaitlistPatient, entryID).Scan(&patientID)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNoWaitlist
	}
	if err != nil {
		return fmt.Errorf("visits: leave waitlist: %w", err)
	}
	if err := s.access.Authorize(ctx, actor, account.Write, patientID); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sqlLeaveWaitlist, entryID, s.now())
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		rows, err := tx.Query(ctx, sqlHeldOf, entryID)
		if err != nil {
			return fmt.Errorf("visits: leave waitlist: %w", err)
		}
		held, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("visits: leave waitlist: %w", err)
		}
		for _, id := range held {
			if err := s.lapse(ctx, tx, id); err != nil {
				return err
			}
		}
		return record(ctx, tx, actor, "visits.waitlist_leave", patientID, waitTarget(entryID))
	})
}

// Waitlist lists the patient's waiting entries in the order they joined,
// each with its open offer if any. Audited as visits.waitlist_read.
func (s *Service) Waitlist(ctx context.Context, actor account.Actor, patientID int64) ([]WaitlistEntry, error) {
	if err := s.access.Authorize(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	var out []WaitlistEntry
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlWaitlistOf, patientID)
		if err != nil {
			return fmt.Errorf("visits: waitlist: %w", err)
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (WaitlistEntry, error) {
			var e WaitlistEntry
			var until *time.Time
			err := r.Scan(&e.ID, &e.PatientID, &e.ClinicianID, &e.VisitTypeID, &e.Before, &e.State, &e.CreatedAt, &e.OfferID, &until)
			if until != nil {
				e.OfferUntil = *until
			}
			return e, err
		})
		if err != nil {
			return fmt.Errorf("visits: waitlist: %w", err)
		}
		return record(ctx, tx, actor, "visits.waitlist_read", patientID, "waitlist")
	})
	return out, err
}

func waitTarget(id int64) string { return "waitlist:" + strconv.FormatInt(id, 10) }
