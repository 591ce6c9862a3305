package meds

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// DoseStatus is what the patient recorded for one dose.
type DoseStatus string

// The dose statuses; a due dose with neither is missed.
const (
	Taken   DoseStatus = "taken"
	Skipped DoseStatus = "skipped"
)

// maxDoseAge is how many days back (today included) a dose may be recorded.
const maxDoseAge = 30

// Counts are adherence figures over a window.
type Counts struct {
	Expected int     // doses due in the window (while the medication was taken, times passed)
	Taken    int     // recorded as taken
	Skipped  int     // recorded as skipped
	Missed   int     // due and not recorded
	Rate     float64 // Taken / Expected; 0 when nothing was expected
}

// MedAdherence is one medication's adherence.
type MedAdherence struct {
	MedID int64
	Name  string
	Counts
}

// Adherence is a patient's adherence over the last Days local days
// (today included), overall and per medication.
type Adherence struct {
	Days int
	Counts
	Medications []MedAdherence
}

const (
	sqlRecordDose = `INSERT INTO med_doses (med_id, patient_id, day, at, status, recorded_at) VALUES ($1, $2, $3::date, $4, $5, $6)
		ON CONFLICT (med_id, day, at) DO UPDATE SET status = excluded.status, recorded_at = excluded.recorded_at`
	sqlDosesOf = `SELECT med_id, to_char(day, 'YYYY-MM-DD'), at, status FROM med_doses WHERE patient_id = $1 AND day >= $2::date`
)

// RecordDose records that the patient took or skipped the dose of a
// medication due at a daily time (HH:MM) on a local day (YYYY-MM-DD);
// recording a dose again replaces the earlier record. Only the patient may
// (ErrPatientOnly). ErrDoseStatus, ErrDate, ErrDoseTime (not one of its
// times), ErrDoseDay (before the start, after the stop, more than 30 days
// ago, or not yet due). Audited as meds.dose.
func (s *Service) RecordDose(ctx context.Context, actor account.Actor, medID int64, day, at string, status DoseStatus) error {
	if status != Taken && status != Skipped {
		return ErrDoseStatus
	}
	d, err := parseDate(day)
	if err != nil {
		return err
	}
	patientID, err := s.patientOf(ctx, medID)
	if err != nil {
		return err
	}
	if err := s.isThePatient(ctx, actor, patientID); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		sm, err := loadMed(ctx, tx, medID, false)
		if err != nil {
			return err
		}
		if !slices.Contains(sm.DailyTimes, at) {
			return ErrDoseTime
		}
		now := s.nowIn(sm.Medication)
		if !due(sm.Medication, d, at, now) || d.Before(localDay(now, now.Location()).AddDate(0, 0, 1-maxDoseAge)) {
			return ErrDoseDay
		}
		if _, err := tx.Exec(ctx, sqlRecordDose, medID, patientID, day, at, string(status), s.now()); err != nil {
			return fmt.Errorf("meds: record dose: %w", err)
		}
		return record(ctx, tx, actor, "meds.dose", patientID, medTarget(medID))
	})
}

// due reports whether m's dose at clock on day (midnight UTC) had come by
// now (in m's zone): m was being taken that day, and the time had passed.
func due(m Medication, day time.Time, clock string, now time.Time) bool {
	today := localDay(now, now.Location())
	switch {
	case !wasTaking(m, day), day.After(today):
		return false
	case day.Equal(today):
		return clock <= now.Format("15:04")
	}
	return true
}

// nowIn returns the current time in m's zone (checked when stored).
func (s *Service) nowIn(m Medication) time.Time {
	loc, err := loadZone(m.Zone)
	if err != nil {
		loc = time.UTC
	}
	return s.now().In(loc)
}

// wasTaking reports whether m was being taken on day.
func wasTaking(m Medication, day time.Time) bool {
	start, err := parseDate(m.Start)
	return err == nil && !day.Before(start) && !m.stoppedBy(day)
}

// Adherence returns the patient's adherence over the last days local days
// (1 to 90; ErrDays), counting each dose time of each listed medication
// while it was taken and once due. Rates use the current dose times for
// the whole window. Audited once as meds.adherence_read.
func (s *Service) Adherence(ctx context.Context, actor account.Actor, patientID int64, days int) (Adherence, error) {
	if err := s.access.Authorize(ctx, actor, account.Read, patientID); err != nil {
		return Adherence{}, err
	}
	if days < 1 || days > 90 {
		return Adherence{}, ErrDays
	}
	var sealed []sealedMed
	recorded := map[doseKey]DoseStatus{}
	since := s.now().UTC().AddDate(0, 0, -days-2).Format(time.DateOnly)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlMedsOf, patientID)
		if err != nil {
			return fmt.Errorf("meds: adherence: %w", err)
		}
		if sealed, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sealedMed, error) { return scanMed(r) }); err != nil {
			return fmt.Errorf("meds: adherence: %w", err)
		}
		if err := s.loadDoses(ctx, tx, patientID, since, recorded); err != nil {
			return err
		}
		return record(ctx, tx, actor, "meds.adherence_read", patientID, "adherence")
	})
	if err != nil {
		return Adherence{}, err
	}
	out := Adherence{Days: days}
	for _, sm := range sealed {
		m, err := s.unseal(ctx, sm)
		if err != nil {
			return Adherence{}, err
		}
		ma := MedAdherence{MedID: m.ID, Name: m.Name, Counts: s.countDoses(m, days, recorded)}
		out.Expected += ma.Expected
		out.Taken += ma.Taken
		out.Skipped += ma.Skipped
		out.Medications = append(out.Medications, ma)
	}
	out.Counts = finish(out.Counts)
	return out, nil
}

// doseKey names one dose of one medication.
type doseKey struct {
	med       int64
	day, time string
}

// loadDoses reads the patient's recorded doses since a date into into.
func (s *Service) loadDoses(ctx context.Context, tx pgx.Tx, patientID int64, since string, into map[doseKey]DoseStatus) error {
	rows, err := tx.Query(ctx, sqlDosesOf, patientID, since)
	if err != nil {
		return fmt.Errorf("meds: doses: %w", err)
	}
	var k doseKey
	var status string
	_, err = pgx.ForEachRow(rows, []any{&k.med, &k.day, &k.time, &status}, func() error {
		into[k] = DoseStatus(status)
		return nil
	})
	if err != nil {
		return fmt.Errorf("meds: doses: %w", err)
	}
	return nil
}

// countDoses counts m's due doses over the last days local days.
func (s *Service) countDoses(m Medication, days int, recorded map[doseKey]DoseStatus) Counts {
	var c Counts
	now := s.nowIn(m)
	today := localDay(now, now.Location())
	for i := 0; i < days; i++ {
		day := today.AddDate(0, 0, -i)
		for _, t := range m.DailyTimes {
			if !due(m, day, t, now) {
				continue
			}
			c.Expected++
			switch recorded[doseKey{m.ID, day.Format(time.DateOnly), t}] {
			case Taken:
				c.Taken++
			case Skipped:
				c.Skipped++
			}
		}
	}
	return finish(c)
}

// finish computes Missed and Rate from the other counts.
func finish(c Counts) Counts {
	c.Missed = c.Expected - c.Taken - c.Skipped
	if c.Expected > 0 {
		c.Rate = float64(c.Taken) / float64(c.Expected)
	}
	return c
}
