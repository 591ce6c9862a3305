package visits

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Access is what visits needs of portal/account; *account.Service
// satisfies it.
type Access interface {
	// Authorize returns nil when actor may act on patientID's data, and a
	// fault.Forbidden error (already audited as access.denied) otherwise.
	Authorize(ctx context.Context, actor account.Actor, action account.Action, patientID int64) error
	// CareTeam lists the patient's care team.
	CareTeam(ctx context.Context, patientID int64) ([]account.Member, error)
}

// Reminders schedules a patient's appointment reminders inside the
// caller's transaction, so they commit or roll back with the booking. The
// push package provides them; the server adapts it.
type Reminders interface {
	// ScheduleAppointmentReminders replaces the appointment's pending
	// reminders with those for a visit starting at start (an instant),
	// booked in the clinician's IANA zone. (push.Local{Wall: start's wall
	// clock in zone, Zone: zone} in push's terms.)
	ScheduleAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, appointmentID int64, start time.Time, zone string) error
	// CancelAppointmentReminders drops the appointment's pending reminders.
	CancelAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, appointmentID int64) error
}

// Notifier tells a patient, without content, that something waits for
// them, inside the caller's transaction (a durable, content-free push).
type Notifier interface {
	// SlotOffered tells the patient an earlier slot is held for them; the
	// offer is the held appointment offerID (see Offers).
	SlotOffered(ctx context.Context, tx pgx.Tx, patientID, offerID int64) error
}
