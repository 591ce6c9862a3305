package meds

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

// RefillState is where a refill request stands.
type RefillState string

// The refill states.
const (
	Requested RefillState = "requested"
	Approved  RefillState = "approved"
	Declined  RefillState = "declined"
)

// Refill is a patient's request to refill a medication, and its answer.
type Refill struct {
	ID             int64
	MedID          int64
	PatientID      int64
	PrescriberID   int64
	MedicationName string
	State          RefillState
	RequestedAt    time.Time
	DecidedAt      time.Time // zero while Requested
	DecidedBy      int64
	Note           string // the prescriber's note to the patient, if any
}

const (
	sqlRefillCols = `r.id, r.med_id, r.patient_id, r.prescriber_id, r.state, r.requested_at, r.decided_at,
		coalesce(r.decided_by, 0), r.note, m.name`
	sqlRefillFrom   = ` FROM med_refills r JOIN med_medications m ON m.id = r.med_id`
	sqlRefillByID   = `SELECT ` + sqlRefillCols + sqlRefillFrom + ` WHERE r.id = $1`
	sqlRefillsOf    = `SELECT ` + sqlRefillCols + sqlRefillFrom + ` WHERE r.patient_id = $1 ORDER BY r.requested_at DESC, r.id DESC LIMIT 100`
	sqlRefillsQueue = `SELECT ` + sqlRefillCols + sqlRefillFrom + `
		WHERE r.prescriber_id = $1 AND r.state = 'requested' AND m.removed_at IS NULL AND r.patient_id = ANY($2)
		ORDER BY r.requested_at, r.id LIMIT 200`
	sqlInsertRefill = `INSERT INTO med_refills (med_id, patient_id, prescriber_id, requested_at) VALUES ($1, $2, $3, $4) RETURNING id`
	sqlDecideRefill = `UPDATE med_refills SET state = $2, decided_at = $3, decided_by = $4, note = $5
		WHERE id = $1 AND state = 'requested'`
)

// sealedRefill is a refill row as stored.
type sealedRefill struct {
	Refill
	note, medName []byte
}

func refillAD(id int64) []byte { return []byte("refill:" + strconv.FormatInt(id, 10) + "/note") }

// RequestRefill asks the medication's prescriber for a refill and tells
// them (Notifier.RefillRequested), in one transaction with the audit row
// (meds.refill_request). Only the patient may (ErrPatientOnly); one
// request per medication waits at a time (ErrRefillPending); a stopped
// medication cannot be refilled (ErrStopped).
func (s *Service) RequestRefill(ctx context.Context, actor account.Actor, medID int64) (Refill, error) {
	patientID, err := s.patientOf(ctx, medID)
	if err != nil {
		return Refill{}, err
	}
	if err := s.isThePatient(ctx, actor, patientID); err != nil {
		return Refill{}, err
	}
	var r Refill
	var sm sealedMed
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if sm, err = loadMed(ctx, tx, medID, true); err != nil {
			return err
		}
		if sm.stoppedBy(s.today(sm.Zone)) {
			return ErrStopped
		}
		r = Refill{MedID: medID, PatientID: patientID, PrescriberID: sm.PrescriberID, State: Requested, RequestedAt: s.now()}
		err := tx.QueryRow(ctx, sqlInsertRefill, medID, patientID, r.PrescriberID, r.RequestedAt).Scan(&r.ID)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return ErrRefillPending
		}
		if err != nil {
			return fmt.Errorf("meds: request refill: %w", err)
		}
		if err := s.notifier.RefillRequested(ctx, tx, r.PrescriberID, r.ID); err != nil {
			return err
		}
		return record(ctx, tx, actor, "meds.refill_request", patientID, refillTarget(r.ID))
	})
	if err != nil {
		return Refill{}, err
	}
	m, err := s.unseal(ctx, sm)
	r.MedicationName = m.Name
	return r, err
}

// DecideRefill approves or declines a waiting refill request with an
// optional note (up to 1000 characters, sealed; ErrNote) and tells the
// patient (Notifier.RefillDecided), in one transaction with the audit row
// (meds.refill_decide). Only the prescriber may (ErrPrescriberOnly, after
// Authorize). ErrNoRefill, ErrRefillAnswered when already decided.
func (s *Service) DecideRefill(ctx context.Context, actor account.Actor, refillID int64, approve bool, note string) (Refill, error) {
	sr, err := s.loadRefill(ctx, refillID)
	if err != nil {
		return Refill{}, err
	}
	if err := s.access.Authorize(ctx, actor, account.Write, sr.PatientID); err != nil {
		return Refill{}, err
	}
	if actor.Role != account.RoleClinician || actor.UserID != sr.PrescriberID {
		return Refill{}, ErrPrescriberOnly
	}
	if note, err = text(note, 0, 1000, true, ErrNote); err != nil {
		return Refill{}, err
	}
	var sealedNote []byte
	if note != "" {
		if sealedNote, err = s.sealer.Seal(ctx, owner(sr.PatientID), []byte(note), refillAD(refillID)); err != nil {
			return Refill{}, fmt.Errorf("meds: seal note: %w", err)
		}
	}
	r := sr.Refill
	r.State, r.DecidedAt, r.DecidedBy, r.Note = Declined, s.now(), actor.UserID, note
	if approve {
		r.State = Approved
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sqlDecideRefill, refillID, string(r.State), r.DecidedAt, actor.UserID, sealedNote)
		if err != nil {
			return fmt.Errorf("meds: decide refill: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrRefillAnswered
		}
		if err := s.notifier.RefillDecided(ctx, tx, r.PatientID, refillID); err != nil {
			return err
		}
		return record(ctx, tx, actor, "meds.refill_decide", r.PatientID, refillTarget(refillID))
	})
	if err != nil {
		return Refill{}, err
	}
	r.MedicationName, err = s.openName(ctx, sr)
	return r, err
}

// Refills lists the patient's refill requests, newest first (at most 100).
// Audited once as meds.refill_read.
func (s *Service) Refills(ctx context.Context, actor account.Actor, patientID int64) ([]Refill, error) {
	if err := s.access.Authorize(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	return s.listRefills(ctx, actor, "meds.refill_read", patientID, "refills", sqlRefillsOf, patientID)
}

// PendingRefills lists the refill requests waiting for the clinician,
// oldest first (at most 200), from patients whose care team they are on.
// Only the clinician may see their queue (account.ErrForbidden). Audited
// once as meds.refill_queue.
func (s *Service) PendingRefills(ctx context.Context, actor account.Actor, clinicianID int64) ([]Refill, error) {
	if actor.Role != account.RoleClinician || actor.UserID <= 0 || actor.UserID != clinicianID {
		return nil, account.ErrForbidden
	}
	patients, err := s.access.PatientsOf(ctx, clinicianID)
	if err != nil {
		return nil, fmt.Errorf("meds: refill queue: %w", err)
	}
	ids := make([]int64, len(patients))
	for i, p := range patients {
		ids[i] = p.ID
	}
	return s.listRefills(ctx, actor, "meds.refill_queue", 0, "clinician:"+strconv.FormatInt(clinicianID, 10), sqlRefillsQueue, clinicianID, ids)
}
