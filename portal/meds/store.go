package meds

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	sqlNextMedID = `SELECT nextval(pg_get_serial_sequence('med_medications', 'id'))`
	sqlMedCols   = `id, patient_id, prescriber_id, name, dose, instructions, times, zone,
		to_char(start_date, 'YYYY-MM-DD'), coalesce(to_char(stop_date, 'YYYY-MM-DD'), ''), reminders_on, updated_at`
	sqlMedByID   = `SELECT ` + sqlMedCols + ` FROM med_medications WHERE id = $1 AND removed_at IS NULL`
	sqlMedLock   = sqlMedByID + ` FOR UPDATE`
	sqlMedsOf    = `SELECT ` + sqlMedCols + ` FROM med_medications WHERE patient_id = $1 AND removed_at IS NULL ORDER BY start_date DESC, id`
	sqlMedOwner  = `SELECT patient_id FROM med_medications WHERE id = $1 AND removed_at IS NULL`
	sqlInsertMed = `INSERT INTO med_medications (id, patient_id, prescriber_id, name, dose, instructions, times, zone,
			start_date, stop_date, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10::date, $11, $12, $12)`
	sqlUpdateMed = `UPDATE med_medications SET prescriber_id = $2, name = $3, dose = $4, instructions = $5, times = $6,
			zone = $7, start_date = $8::date, stop_date = $9::date, reminders_on = $10, updated_at = $11
		WHERE id = $1`
)

// sealedMed is a medication row as stored.
type sealedMed struct {
	Medication
	name, dose, instructions []byte
}

// owner is the seal key scope of a patient's medications.
func owner(patientID int64) string { return "patient:" + strconv.FormatInt(patientID, 10) }

// medAD binds a sealed column to its row.
func medAD(medID int64, column string) []byte {
	return []byte("med:" + strconv.FormatInt(medID, 10) + "/" + column)
}

// seal seals the health information of m (whose ID is set) in a sealedMed.
func (s *Service) seal(ctx context.Context, m Medication) (sealedMed, error) {
	sm := sealedMed{Medication: m}
	var err error
	o := owner(m.PatientID)
	if sm.name, err = s.sealer.Seal(ctx, o, []byte(m.Name), medAD(m.ID, "name")); err != nil {
		return sm, fmt.Errorf("meds: seal: %w", err)
	}
	if sm.dose, err = s.sealer.Seal(ctx, o, []byte(m.Dose), medAD(m.ID, "dose")); err != nil {
		return sm, fmt.Errorf("meds: seal: %w", err)
	}
	if sm.instructions, err = s.sealer.Seal(ctx, o, []byte(m.Instructions), medAD(m.ID, "instructions")); err != nil {
		return sm, fmt.Errorf("meds: seal: %w", err)
	}
	return sm, nil
}

// unseal opens the sealed columns of sm into its Medication.
func (s *Service) unseal(ctx context.Context, sm sealedMed) (Medication, error) {
	m := sm.Medication
	o := owner(m.PatientID)
	for _, c := range []struct {
		dst    *string
		sealed []byte
		column string
	}{{&m.Name, sm.name, "name"}, {&m.Dose, sm.dose, "dose"}, {&m.Instructions, sm.instructions, "instructions"}} {
		plain, err := s.sealer.Unseal(ctx, o, c.sealed, medAD(m.ID, c.column))
		if err != nil {
			return Medication{}, fmt.Errorf("meds: unseal medication %d: %w", m.ID, err)
		}
		*c.dst = string(plain)
	}
	return m, nil
}

// scanMed scans the columns of sqlMedCols.
func scanMed(r pgx.Row) (sealedMed, error) {
	var sm sealedMed
	m := &sm.Medication
	err := r.Scan(&m.ID, &m.PatientID, &m.PrescriberID, &sm.name, &sm.dose, &sm.instructions, &m.DailyTimes, &m.Zone,
		&m.Start, &m.Stop, &m.RemindersOn, &m.UpdatedAt)
	if m.DailyTimes == nil {
		m.DailyTimes = []string{}
	}
	return sm, err
}

// loadMed loads a medication (locked when lock) in tx; ErrNoMedication when
// there is none or it was removed.
func loadMed(ctx context.Context, tx pgx.Tx, id int64, lock bool) (sealedMed, error) {
	sql := sqlMedByID
	if lock {
		sql = sqlMedLock
	}
	sm, err := scanMed(tx.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return sealedMed{}, ErrNoMedication
	}
	if err != nil {
		return sealedMed{}, fmt.Errorf("meds: medication %d: %w", id, err)
	}
	return sm, nil
}

// patientOf returns whose medication id is, before authorizing.
func (s *Service) patientOf(ctx context.Context, medID int64) (int64, error) {
	var p int64
	err := s.pool.QueryRow(ctx, sqlMedOwner, medID).Scan(&p)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNoMedication
	}
	if err != nil {
		return 0, fmt.Errorf("meds: medication %d: %w", medID, err)
	}
	return p, nil
}

// nullDate is "" as NULL, for optional dates.
func nullDate(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// today is the current date in the zone (midnight UTC); the zone is valid
// because it was checked when stored.
func (s *Service) today(zone string) time.Time {
	loc, err := loadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	return localDay(s.now(), loc)
}
