package meds

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Add records a medication on patientID's list. Only a clinician who may
// write the patient's data may (ErrCareTeamOnly for others after
// Authorize). Bad input (ErrName, ErrDose, ErrInstructions, ErrTimes,
// ErrZone, ErrDate, ErrStopBeforeStart, ErrPrescriber) stores nothing.
// Reminders start off: the patient turns them on. Audited as meds.add.
func (s *Service) Add(ctx context.Context, actor account.Actor, patientID int64, in MedicationInput) (Medication, error) {
	if err := s.mayEdit(ctx, actor, patientID); err != nil {
		return Medication{}, err
	}
	in, err := s.checkInput(ctx, in, patientID, actor.UserID)
	if err != nil {
		return Medication{}, err
	}
	m := medicationOf(in)
	m.PatientID = patientID
	if err := s.pool.QueryRow(ctx, sqlNextMedID).Scan(&m.ID); err != nil {
		return Medication{}, fmt.Errorf("meds: add: %w", err)
	}
	sm, err := s.seal(ctx, m)
	if err != nil {
		return Medication{}, err
	}
	m.UpdatedAt = s.now()
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlInsertMed, m.ID, m.PatientID, m.PrescriberID, sm.name, sm.dose, sm.instructions,
			m.DailyTimes, m.Zone, m.Start, nullDate(m.Stop), actor.UserID, m.UpdatedAt); err != nil {
			return fmt.Errorf("meds: add: %w", err)
		}
		return record(ctx, tx, actor, "meds.add", patientID, medTarget(m.ID))
	})
	if err != nil {
		return Medication{}, err
	}
	s.log.InfoContext(ctx, "medication added", "medication_id", m.ID, "actor_id", actor.UserID)
	return m, nil
}

// Update replaces a medication's details with in (PrescriberID 0 keeps the
// prescriber), under Add's rules. When the patient has reminders on they
// follow the new times in the same transaction, and are turned off when no
// times remain or the medication has stopped. Audited as meds.update.
func (s *Service) Update(ctx context.Context, actor account.Actor, medID int64, in MedicationInput) (Medication, error) {
	patientID, err := s.patientOf(ctx, medID)
	if err != nil {
		return Medication{}, err
	}
	if err := s.mayEdit(ctx, actor, patientID); err != nil {
		return Medication{}, err
	}
	if in, err = s.checkInput(ctx, in, patientID, 0); err != nil {
		return Medication{}, err
	}
	m := medicationOf(in)
	m.ID, m.PatientID, m.UpdatedAt = medID, patientID, s.now()
	sm, err := s.seal(ctx, m)
	if err != nil {
		return Medication{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := loadMed(ctx, tx, medID, true)
		if err != nil {
			return err
		}
		if m.PrescriberID == 0 {
			m.PrescriberID = cur.PrescriberID
		}
		if m.RemindersOn, err = s.followReminders(ctx, tx, cur.Medication, m); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlUpdateMed, m.ID, m.PrescriberID, sm.name, sm.dose, sm.instructions, m.DailyTimes,
			m.Zone, m.Start, nullDate(m.Stop), m.RemindersOn, m.UpdatedAt); err != nil {
			return fmt.Errorf("meds: update: %w", err)
		}
		return record(ctx, tx, actor, "meds.update", patientID, medTarget(medID))
	})
	if err != nil {
		return Medication{}, err
	}
	return m, nil
}

// followReminders moves the patient's reminders from cur to next in tx and
// returns whether they stay on.
func (s *Service) followReminders(ctx context.Context, tx pgx.Tx, cur, next Medication) (bool, error) {
	if !cur.RemindersOn {
		return false, nil
	}
	if len(next.DailyTimes) == 0 || next.stoppedBy(s.today(next.Zone)) {
		return false, s.reminders.CancelMedication(ctx, tx, next.PatientID, next.ID)
	}
	if slices.Equal(cur.DailyTimes, next.DailyTimes) && cur.Zone == next.Zone {
		return true, nil
	}
	return true, s.reminders.ScheduleMedication(ctx, tx, next.PatientID, next.ID, next.DailyTimes, next.Zone)
}

const sqlRemoveMed = `UPDATE med_medications SET removed_at = $2, reminders_on = false, updated_at = $2 WHERE id = $1`

// Remove takes a medication off the list (entered in error), with its
// reminders; its history stays for the record. Same access as Add.
// Audited as meds.remove.
func (s *Service) Remove(ctx context.Context, actor account.Actor, medID int64) error {
	patientID, err := s.patientOf(ctx, medID)
	if err != nil {
		return err
	}
	if err := s.mayEdit(ctx, actor, patientID); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := loadMed(ctx, tx, medID, true)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlRemoveMed, medID, s.now()); err != nil {
			return fmt.Errorf("meds: remove: %w", err)
		}
		if cur.RemindersOn {
			if err := s.reminders.CancelMedication(ctx, tx, patientID, medID); err != nil {
				return err
			}
		}
		return record(ctx, tx, actor, "meds.remove", patientID, medTarget(medID))
	})
}

// List returns patientID's medications, most recently started first.
// Audited once as meds.read.
func (s *Service) List(ctx context.Context, actor account.Actor, patientID int64) ([]Medication, error) {
	if err := s.access.Authorize(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	var sealed []sealedMed
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlMedsOf, patientID)
		if err != nil {
			return fmt.Errorf("meds: list: %w", err)
		}
		if sealed, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sealedMed, error) { return scanMed(r) }); err != nil {
			return fmt.Errorf("meds: list: %w", err)
		}
		return record(ctx, tx, actor, "meds.read", patientID, "medications")
	})
	if err != nil {
		return nil, err
	}
	out := make([]Medication, 0, len(sealed))
	for _, sm := range sealed {
		m, err := s.unseal(ctx, sm)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Get returns one medication. Audited as meds.read.
func (s *Service) Get(ctx context.Context, actor account.Actor, medID int64) (Medication, error) {
	patientID, err := s.patientOf(ctx, medID)
	if err != nil {
		return Medication{}, err
	}
	if err := s.access.Authorize(ctx, actor, account.Read, patientID); err != nil {
		return Medication{}, err
	}
	var sm sealedMed
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if sm, err = loadMed(ctx, tx, medID, false); err != nil {
			return err
		}
		return record(ctx, tx, actor, "meds.read", patientID, medTarget(medID))
	})
	if err != nil {
		return Medication{}, err
	}
	return s.unseal(ctx, sm)
}

// checkInput cleans in and resolves its prescriber: defaultPrescriber when
// 0 (0 keeps it 0), else a clinician on the patient's care team.
func (s *Service) checkInput(ctx context.Context, in MedicationInput, patientID, defaultPrescriber int64) (MedicationInput, error) {
	in, err := in.clean()
	if err != nil {
		return in, err
	}
	if in.PrescriberID == 0 {
		in.PrescriberID = defaultPrescriber
	}
	if in.PrescriberID != 0 {
		ok, err := s.onTeam(ctx, patientID, in.PrescriberID)
		if err != nil {
			return in, err
		}
		if !ok {
			return in, ErrPrescriber
		}
	}
	return in, nil
}

// medicationOf returns the Medication that a cleaned input describes.
func medicationOf(in MedicationInput) Medication {
	return Medication{PrescriberID: in.PrescriberID, Name: in.Name, Dose: in.Dose, Instructions: in.Instructions,
		DailyTimes: in.DailyTimes, Zone: in.Zone, Start: in.Start, Stop: in.Stop}
}
