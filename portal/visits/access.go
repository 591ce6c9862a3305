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
	"haven/portal/audit"
	"haven/portal/fault"
)

// onTeam reports whether clinicianID is on patientID's care team.
func (s *Service) onTeam(ctx context.Context, patientID, clinicianID int64) (bool, error) {
	team, err := s.access.CareTeam(ctx, patientID)
	if err != nil {
		return false, fmt.Errorf("visits: care team: %w", err)
	}
	for _, m := range team {
		if m.ClinicianID == clinicianID {
			return true, nil
		}
	}
	return false, nil
}

// mayBookWith authorizes actor to write patientID's appointments and checks
// that clinicianID is on the patient's care team.
func (s *Service) mayBookWith(ctx context.Context, actor account.Actor, patientID, clinicianID int64) error {
	if err := s.access.Authorize(ctx, actor, account.Write, patientID); err != nil {
		return err
	}
	ok, err := s.onTeam(ctx, patientID, clinicianID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotOnTeam
	}
	return nil
}

// isSelfClinician reports whether actor is the clinician clinicianID.
func isSelfClinician(actor account.Actor, clinicianID int64) bool {
	return actor.Role == account.RoleClinician && actor.UserID > 0 && actor.UserID == clinicianID
}

// isPatient reports whether the notice windows apply to actor.
func isPatient(actor account.Actor) bool { return actor.Role == account.RolePatient }

// record audits one request of actor on patientID's data through tx.
func record(ctx context.Context, tx pgx.Tx, actor account.Actor, action string, patientID int64, target string) error {
	return audit.Record(ctx, tx, actor.AuditEntry(action, patientID, target))
}

// recordSystem audits a change the scheduler made on its own (an offer made
// or lapsed), so the patient's access log does not name whoever caused it.
func recordSystem(ctx context.Context, tx pgx.Tx, action string, patientID int64, target string) error {
	return audit.Record(ctx, tx, audit.Entry{ActorRole: "system", Action: action, PatientID: patientID,
		Target: target, Outcome: audit.OK})
}

// apptTarget names an appointment in the audit log.
func apptTarget(id int64) string { return "appointment:" + strconv.FormatInt(id, 10) }

// overlapError maps an exclusion violation to ErrSlotTaken or
// ErrPatientBusy, and returns other errors wrapped. A deadlock also means
// the time was taken: it arises when a booking races a cancellation whose
// freed time is being offered to the waitlist, and PostgreSQL aborts one.
func overlapError(err error, what string) error {
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "23P01" && pe.ConstraintName == "visit_appointments_patient_free":
		return ErrPatientBusy
	case errors.As(err, &pe) && (pe.Code == "23P01" || pe.Code == "40P01"):
		return ErrSlotTaken
	}
	return fmt.Errorf("visits: %s: %w", what, err)
}

// tooSoon is ErrTooSoon with the configured notice in its message.
func (s *Service) tooSoon() error {
	return &fault.Error{Code: fault.Invalid, Cause: ErrTooSoon, Message: fmt.Sprintf(
		"Visits can be booked online at least %s ahead. For a sooner visit, please call the clinic%s or send your care team a message.",
		human(s.book), s.phoneSuffix())}
}

// tooLate is ErrTooLate with the configured notice in its message.
func (s *Service) tooLate() error {
	return &fault.Error{Code: fault.Invalid, Cause: ErrTooLate, Message: fmt.Sprintf(
		"Visits can be cancelled or moved online until %s before they start. Please call the clinic%s or send your care team a message.",
		human(s.change), s.phoneSuffix())}
}

func (s *Service) phoneSuffix() string {
	if s.phone == "" {
		return ""
	}
	return " at " + s.phone
}

// human writes a notice window for people: "24 hours", "90 minutes".
func human(d time.Duration) string {
	switch {
	case d == time.Hour:
		return "1 hour"
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d == time.Minute:
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", d/time.Minute)
}
