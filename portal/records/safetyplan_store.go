package records

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"haven/portal/account"
)

// SafetyPlanVersion is one saved version of a patient's safety plan.
type SafetyPlanVersion struct {
	Version   int // 1, 2, …; 0 when the patient has no plan yet
	Plan      SafetyPlan
	SavedBy   int64
	SavedRole string // "patient" or "clinician"
	SavedAt   time.Time
}

// SafetyPlanRevision describes a version without its content.
type SafetyPlanRevision struct {
	Version   int
	SavedBy   int64
	SavedRole string
	SavedAt   time.Time
}

const (
	sqlPlanVersion    = `SELECT coalesce(max(version), 0) FROM record_safety_plans WHERE patient_id = $1`
	sqlInsertPlan     = `INSERT INTO record_safety_plans (patient_id, version, plan, saved_by, saved_role, saved_at) VALUES ($1, $2, $3, $4, $5, $6)`
	sqlPlanColumns    = `version, plan, saved_by, saved_role, saved_at`
	sqlCurrentPlan    = `SELECT ` + sqlPlanColumns + ` FROM record_safety_plans WHERE patient_id = $1 ORDER BY version DESC LIMIT 1`
	sqlPlanAt         = `SELECT ` + sqlPlanColumns + ` FROM record_safety_plans WHERE patient_id = $1 AND version = $2`
	sqlPlanHistory    = `SELECT version, saved_by, saved_role, saved_at FROM record_safety_plans WHERE patient_id = $1 ORDER BY version DESC`
	pgUniqueViolation = "23505"
)

// SaveSafetyPlan saves plan as a new version of the patient's safety plan;
// earlier versions are kept unchanged. The patient and clinicians the
// policy admits may save (ErrPatientOrTeam for anyone else). base is the
// version the editor started from (0 for a first plan): if another save
// came in since, it fails with ErrSafetyPlanChanged and nothing is saved,
// so concurrent edits never silently overwrite each other. Entries are
// trimmed, blank ones dropped and the 988 Lifeline added to the
// professionals; bad input fails with fault.Invalid. Sealed, and audited as
// records.write in the same transaction.
func (s *Service) SaveSafetyPlan(ctx context.Context, actor account.Actor, patientID int64, base int, plan SafetyPlan) (SafetyPlanVersion, error) {
	if err := s.allowPatientOrClinician(ctx, actor, patientID); err != nil {
		return SafetyPlanVersion{}, err
	}
	clean, err := plan.normalize()
	if err != nil {
		return SafetyPlanVersion{}, err
	}
	v := SafetyPlanVersion{Version: base + 1, Plan: clean, SavedBy: actor.UserID, SavedRole: string(actor.Role), SavedAt: s.now()}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var current int
		if err := tx.QueryRow(ctx, sqlPlanVersion, patientID).Scan(&current); err != nil {
			return fmt.Errorf("records: safety plan version: %w", err)
		}
		if current != base {
			return ErrSafetyPlanChanged
		}
		sealed, err := s.sealJSON(ctx, patientID, planAD(patientID, v.Version), v.Plan)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, sqlInsertPlan, patientID, v.Version, sealed, v.SavedBy, v.SavedRole, v.SavedAt)
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == pgUniqueViolation {
			return ErrSafetyPlanChanged // a concurrent save took this version
		}
		if err != nil {
			return fmt.Errorf("records: insert safety plan: %w", err)
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "safety_plan:v"+itoa(int64(v.Version)))
	})
	if err != nil {
		return SafetyPlanVersion{}, err
	}
	s.log.InfoContext(ctx, "records: safety plan saved", "patient_id", patientID, "version", v.Version)
	return v, nil
}

// CurrentSafetyPlan returns the latest version of the patient's safety plan
// — the one the crisis page shows — audited as records.read. A patient
// with no plan yet gets Version 0 holding only the 988 Lifeline, so the
// crisis page always has something to show. The patient and anyone the
// policy admits (a counselor holding the patient's escalation, too) may
// read it.
func (s *Service) CurrentSafetyPlan(ctx context.Context, actor account.Actor, patientID int64) (SafetyPlanVersion, error) {
	if err := s.allowRead(ctx, actor, patientID); err != nil {
		return SafetyPlanVersion{}, err
	}
	var v SafetyPlanVersion
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if v, err = s.loadCurrentPlan(ctx, tx, patientID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "safety_plan")
	})
	return v, err
}

// SafetyPlanAt returns one saved version, audited as records.read.
// ErrNoVersion when there is no such version.
func (s *Service) SafetyPlanAt(ctx context.Context, actor account.Actor, patientID int64, version int) (SafetyPlanVersion, error) {
	if err := s.allowRead(ctx, actor, patientID); err != nil {
		return SafetyPlanVersion{}, err
	}
	var v SafetyPlanVersion
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		v, err = s.scanPlan(ctx, patientID, tx.QueryRow(ctx, sqlPlanAt, patientID, version))
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoVersion
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "safety_plan:v"+itoa(int64(version)))
	})
	return v, err
}

// SafetyPlanHistory lists every saved version, newest first, without
// content: who saved it and when. Audited as records.read.
func (s *Service) SafetyPlanHistory(ctx context.Context, actor account.Actor, patientID int64) ([]SafetyPlanRevision, error) {
	if err := s.allowRead(ctx, actor, patientID); err != nil {
		return nil, err
	}
	var out []SafetyPlanRevision
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlPlanHistory, patientID)
		if err != nil {
			return fmt.Errorf("records: safety plan history: %w", err)
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SafetyPlanRevision, error) {
			var v SafetyPlanRevision
			return v, r.Scan(&v.Version, &v.SavedBy, &v.SavedRole, &v.SavedAt)
		})
		if err != nil {
			return fmt.Errorf("records: safety plan history: %w", err)
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "safety_plan_history")
	})
	return out, err
}

// loadCurrentPlan reads the latest version, or the empty Version 0 plan.
func (s *Service) loadCurrentPlan(ctx context.Context, tx pgx.Tx, patientID int64) (SafetyPlanVersion, error) {
	v, err := s.scanPlan(ctx, patientID, tx.QueryRow(ctx, sqlCurrentPlan, patientID))
	if errors.Is(err, pgx.ErrNoRows) {
		return SafetyPlanVersion{Plan: SafetyPlan{Professionals: []Contact{Lifeline()}}}, nil
	}
	return v, err
}

// scanPlan scans and unseals one version.
func (s *Service) scanPlan(ctx context.Context, patientID int64, row pgx.Row) (SafetyPlanVersion, error) {
	var v SafetyPlanVersion
	var sealed []byte
	if err := row.Scan(&v.Version, &sealed, &v.SavedBy, &v.SavedRole, &v.SavedAt); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return v, err
		}
		return v, fmt.Errorf("records: safety plan: %w", err)
	}
	err := s.openJSON(ctx, patientID, planAD(patientID, v.Version), sealed, &v.Plan)
	return v, err
}

// planAD binds a version to its row, whose key is (patient, version).
func planAD(patientID int64, version int) []byte {
	return ad("record_safety_plans", itoa(patientID)+":v"+itoa(int64(version)), "plan")
}
