package measures

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Authorizer is the access policy: *account.Service satisfies it. It returns
// nil when actor may act on patientID's data, else a fault.Forbidden error
// (having audited the refusal).
type Authorizer interface {
	Authorize(ctx context.Context, actor account.Actor, action account.Action, patientID int64) error
}

// Sealer encrypts health information at rest: *seal.Keyring satisfies it.
// Unseal must be given the owner and associated data used to Seal.
type Sealer interface {
	Seal(ctx context.Context, owner string, plaintext, ad []byte) ([]byte, error)
	Unseal(ctx context.Context, owner string, sealed, ad []byte) ([]byte, error)
}

// Escalator raises a crisis escalation (crisis.Service behind an adapter).
// Raise is called inside the submission's transaction tx and must write
// through it, so the escalation commits or rolls back with the response.
// source is always "measure"; severity is "medium" or "high"; ref points at
// the response ("measure:phq9:<response id>"), never at its content. An
// error aborts the submission.
type Escalator interface {
	Raise(ctx context.Context, tx pgx.Tx, patientID int64, source, severity string, ref string) error
}

// Reminders schedules content-free pushes for due questionnaires (push
// behind an adapter). Both are called inside the caller's transaction tx.
// due's Location is the patient's IANA zone (due.Location().String()), so
// the reminder keeps its local wall time. Scheduling replaces any pending
// reminder of the assignment; an error aborts the caller's transaction.
type Reminders interface {
	ScheduleQuestionnaireDue(ctx context.Context, tx pgx.Tx, userID, assignmentID int64, due time.Time) error
	CancelQuestionnaire(ctx context.Context, tx pgx.Tx, userID, assignmentID int64) error
}
