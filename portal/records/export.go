package records

import (
	"context"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Export is everything in the records a patient may see, for the patient's
// own download and for FHIR patient access.
type Export struct {
	PatientID         int64
	Notes             []Note // shared notes only, newest first: never withheld or psychotherapy notes
	TreatmentPlan     Plan
	SafetyPlan        SafetyPlanVersion // Version 0 (988 only) when none
	EmergencyContacts []EmergencyContact
	Resources         []AssignedResource
}

// ExportForPatient returns what the patient may see of their records, in
// one consistent snapshot, audited as one records.export. Whoever calls it
// (the patient, or staff the policy admits sending the patient their
// record), the notes are the patient's view: withheld and psychotherapy
// notes are never included.
func (s *Service) ExportForPatient(ctx context.Context, actor account.Actor, patientID int64) (Export, error) {
	if err := s.allowRead(ctx, actor, patientID); err != nil {
		return Export{}, err
	}
	x := Export{PatientID: patientID}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadWrite}, func(tx pgx.Tx) error {
		var err error
		if x.Notes, err = s.readNotes(ctx, tx, patientID, 0, patientView(), false); err != nil {
			return err
		}
		if x.TreatmentPlan, err = s.loadPlan(ctx, tx, patientID); err != nil {
			return err
		}
		if x.SafetyPlan, err = s.loadCurrentPlan(ctx, tx, patientID); err != nil {
			return err
		}
		if x.EmergencyContacts, err = s.loadContacts(ctx, tx, patientID); err != nil {
			return err
		}
		if x.Resources, err = loadAssigned(ctx, tx, patientID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, actionExport, patientID, "export")
	})
	if err != nil {
		return Export{}, err
	}
	return x, nil
}
