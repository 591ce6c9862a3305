package visits

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// maxListRange bounds an Appointments query.
const maxListRange = 400 * 24 * time.Hour

const (
	sqlApptsOf = `SELECT ` + sqlApptCols + ` FROM visit_appointments
		WHERE patient_id = $1 AND status IN ('booked', 'held') AND during && tstzrange($2, $3, '[)')
		ORDER BY lower(during), id`
	sqlDay = `SELECT ` + sqlApptCols + ` FROM visit_appointments
		WHERE clinician_id = $1 AND status IN ('booked', 'held') AND during && tstzrange($2, $3, '[)')
		ORDER BY lower(during), id`
)

// Get returns one appointment or offer of any status. Audited as
// visits.read. ErrNoAppointment when there is none.
func (s *Service) Get(ctx context.Context, actor account.Actor, appointmentID int64) (Appointment, error) {
	a, err := s.appt(ctx, appointmentID)
	if err != nil {
		return Appointment{}, err
	}
	if err := s.access.Authorize(ctx, actor, account.Read, a.PatientID); err != nil {
		return Appointment{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if a, err = getAppt(ctx, tx, appointmentID, false); err != nil {
			return err
		}
		return record(ctx, tx, actor, "visits.read", a.PatientID, apptTarget(a.ID))
	})
	return a, err
}

// Appointments lists the patient's booked visits and held offers that
// overlap [from, to), by start time. Audited once as visits.list.
// ErrRange when to is not after from or the range exceeds 400 days.
func (s *Service) Appointments(ctx context.Context, actor account.Actor, patientID int64, from, to time.Time) ([]Appointment, error) {
	if err := s.access.Authorize(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	if !to.After(from) || to.Sub(from) > maxListRange {
		return nil, ErrRange
	}
	var out []Appointment
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if out, err = listAppts(ctx, tx, sqlApptsOf, patientID, from, to); err != nil {
			return err
		}
		return record(ctx, tx, actor, "visits.list", patientID, "appointments")
	})
	return out, err
}

// DayView lists the clinician's booked visits and held offers on day
// (YYYY-MM-DD in the clinician's zone), by start time, with that zone.
// Only the clinician may see it (account.ErrForbidden). It is audited as
// one visits.day row naming the clinician and day, not one per patient.
// ErrDate for a bad day, ErrNoSchedule when no availability was ever set.
func (s *Service) DayView(ctx context.Context, actor account.Actor, clinicianID int64, day string) ([]Appointment, string, error) {
	if !isSelfClinician(actor, clinicianID) {
		return nil, "", account.ErrForbidden
	}
	d, err := parseDate(day)
	if err != nil {
		return nil, "", err
	}
	var zone string
	if err := s.pool.QueryRow(ctx, sqlSettings, clinicianID).Scan(&zone); errors.Is(err, pgx.ErrNoRows) {
		return nil, "", ErrNoSchedule
	} else if err != nil {
		return nil, "", fmt.Errorf("visits: day view: %w", err)
	}
	loc, err := LoadZone(zone)
	if err != nil {
		return nil, "", err
	}
	from, to := instantOf(d, 0, loc), instantOf(d.addDays(1), 0, loc)
	var out []Appointment
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if out, err = listAppts(ctx, tx, sqlDay, clinicianID, from, to); err != nil {
			return err
		}
		return record(ctx, tx, actor, "visits.day", 0, "clinician:"+strconv.FormatInt(clinicianID, 10)+"/day:"+d.String())
	})
	return out, zone, err
}

// listAppts runs a listing query with an id and an instant range.
func listAppts(ctx context.Context, tx pgx.Tx, sql string, id int64, from, to time.Time) ([]Appointment, error) {
	rows, err := tx.Query(ctx, sql, id, from, to)
	if err != nil {
		return nil, fmt.Errorf("visits: list: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Appointment, error) { return scanAppt(r) })
	if err != nil {
		return nil, fmt.Errorf("visits: list: %w", err)
	}
	return out, nil
}
