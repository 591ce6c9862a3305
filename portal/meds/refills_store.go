package meds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// scanRefill scans the columns of sqlRefillCols.
func scanRefill(r pgx.Row) (sealedRefill, error) {
	var sr sealedRefill
	var state string
	var decided *time.Time
	err := r.Scan(&sr.ID, &sr.MedID, &sr.PatientID, &sr.PrescriberID, &state, &sr.RequestedAt, &decided,
		&sr.DecidedBy, &sr.note, &sr.medName)
	sr.State = RefillState(state)
	if decided != nil {
		sr.DecidedAt = *decided
	}
	return sr, err
}

// loadRefill loads a refill outside any transaction; ErrNoRefill when none.
func (s *Service) loadRefill(ctx context.Context, id int64) (sealedRefill, error) {
	sr, err := scanRefill(s.pool.QueryRow(ctx, sqlRefillByID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return sealedRefill{}, ErrNoRefill
	}
	if err != nil {
		return sealedRefill{}, fmt.Errorf("meds: refill %d: %w", id, err)
	}
	return sr, nil
}

// listRefills runs a refill listing and its audit row in one transaction,
// then opens the sealed fields.
func (s *Service) listRefills(ctx context.Context, actor account.Actor, action string, patientID int64, target, sql string, args ...any) ([]Refill, error) {
	var sealed []sealedRefill
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("meds: refills: %w", err)
		}
		if sealed, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sealedRefill, error) { return scanRefill(r) }); err != nil {
			return fmt.Errorf("meds: refills: %w", err)
		}
		return record(ctx, tx, actor, action, patientID, target)
	})
	if err != nil {
		return nil, err
	}
	out := make([]Refill, 0, len(sealed))
	for _, sr := range sealed {
		r, err := s.openRefill(ctx, sr)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// openRefill opens a refill's note and its medication's name.
func (s *Service) openRefill(ctx context.Context, sr sealedRefill) (Refill, error) {
	r := sr.Refill
	var err error
	if r.MedicationName, err = s.openName(ctx, sr); err != nil {
		return Refill{}, err
	}
	if sr.note != nil {
		note, err := s.sealer.Unseal(ctx, owner(r.PatientID), sr.note, refillAD(r.ID))
		if err != nil {
			return Refill{}, fmt.Errorf("meds: unseal refill %d: %w", r.ID, err)
		}
		r.Note = string(note)
	}
	return r, nil
}

// openName opens the name of a refill's medication.
func (s *Service) openName(ctx context.Context, sr sealedRefill) (string, error) {
	name, err := s.sealer.Unseal(ctx, owner(sr.PatientID), sr.medName, medAD(sr.MedID, "name"))
	if err != nil {
		return "", fmt.Errorf("meds: unseal medication %d: %w", sr.MedID, err)
	}
	return string(name), nil
}
