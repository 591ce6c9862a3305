package meds

import (
	"context"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Access is what meds needs of portal/account; *account.Service satisfies it.
type Access interface {
	// Authorize returns nil when actor may act on patientID's data, and a
	// fault.Forbidden error (already audited as access.denied) otherwise.
	Authorize(ctx context.Context, actor account.Actor, action account.Action, patientID int64) error
	// CareTeam lists the patient's care team.
	CareTeam(ctx context.Context, patientID int64) ([]account.Member, error)
	// PatientsOf lists the patients whose care team includes clinicianID.
	PatientsOf(ctx context.Context, clinicianID int64) ([]account.Account, error)
}

// Sealer encrypts health information at rest; *seal.Keyring satisfies it.
// Unseal must be given the owner and associated data Seal was given.
type Sealer interface {
	Seal(ctx context.Context, owner string, plaintext, ad []byte) ([]byte, error)
	Unseal(ctx context.Context, owner string, sealed, ad []byte) ([]byte, error)
}

// Reminders schedules dose reminders inside the caller's transaction;
// *push.Service satisfies it as it stands.
type Reminders interface {
	// ScheduleMedication sets the daily local times ("08:00") at which the
	// user is reminded of the medication, replacing earlier ones.
	ScheduleMedication(ctx context.Context, tx pgx.Tx, userID, medID int64, dailyLocalTimes []string, zone string) error
	// CancelMedication turns the medication's reminders off.
	CancelMedication(ctx context.Context, tx pgx.Tx, userID, medID int64) error
}

// Notifier tells someone, without content, that a refill needs them, in the
// caller's transaction (a durable, content-free push: ids only).
type Notifier interface {
	// RefillRequested tells the prescriber a refill request waits for them.
	RefillRequested(ctx context.Context, tx pgx.Tx, prescriberID, refillID int64) error
	// RefillDecided tells the patient their refill request was answered.
	RefillDecided(ctx context.Context, tx pgx.Tx, patientID, refillID int64) error
}
