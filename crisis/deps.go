package crisis

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Querier is a database handle: a *pgxpool.Pool, a *pgx.Conn or a pgx.Tx.
// It is account's, so *account.Service is the Granter as it stands.
type Querier = account.Querier

// DB is a Querier that can start a transaction. Given a pgx.Tx, Begin makes
// a savepoint, so work done through it commits or rolls back with the
// caller's transaction.
type DB interface {
	Querier
	Begin(ctx context.Context) (pgx.Tx, error)
}

// HubEvent is one event for a user's connections (signaling's Event).
// Data carries ids and statuses only, never health information or text.
type HubEvent struct {
	Type    string
	Data    json.RawMessage
	Durable bool // must not be dropped under pressure
}

// Notifier delivers an event to every connection of a user, on any node
// (signaling's Hub.Publish). It should not block for long; crisis bounds
// each fan-out with Config.NotifyTimeout.
type Notifier interface {
	Publish(ctx context.Context, userID int64, ev HubEvent) error
}

// Pusher sends content-free, high-urgency pushes to counselors' devices
// (push's Service).
type Pusher interface {
	// CrisisAlertTx enqueues, inside tx, one alert per counselor; they are
	// sent once tx commits and never if it rolls back.
	CrisisAlertTx(ctx context.Context, tx pgx.Tx, counselorIDs []int64, escalationID int64) error
	// CancelCrisisAlerts drops the escalation's alerts not yet sent.
	CancelCrisisAlerts(ctx context.Context, escalationID int64) error
}

// AuditEntry is one audit row written by crisis. It names ids and actions
// only, never health information.
type AuditEntry struct {
	ActorID   int64  // the acting user; 0 for the deadline driver
	Action    string // "crisis.raise", "crisis.claim", …
	PatientID int64
	Target    string // "escalation:<id>"
}

// Auditor appends an entry to the audit log through db, so it commits or
// rolls back with the caller's transaction (portal/audit's Record).
type Auditor interface {
	Record(ctx context.Context, db Querier, e AuditEntry) error
}

// Granter gives and ends access to a patient's record through db, inside the
// caller's transaction (portal/account's Grant and RevokeGrants).
type Granter interface {
	Grant(ctx context.Context, db Querier, userID, patientID int64, kind, ref string, until time.Time) error
	RevokeGrants(ctx context.Context, db Querier, kind, ref string) error
}

// Conversations opens and ends the live crisis conversation of an
// escalation (chat's Service).
type Conversations interface {
	// OpenCrisis opens (or, for the same escalation, returns) the
	// conversation between the patient and the counselor who claimed the
	// escalation and returns a reference to it (the conversation id).
	OpenCrisis(ctx context.Context, escalationID, patientID, counselorID int64) (conversationRef string, err error)
	// EndCrisis ends the staff's participation once the escalation is
	// resolved; idempotent.
	EndCrisis(ctx context.Context, escalationID int64) error
}

// People answers the account questions crisis needs (portal/account).
type People interface {
	// DisplayName returns the name a patient sees for a staff member.
	DisplayName(ctx context.Context, userID int64) (string, error)
	// CareTeam returns the ids of the clinicians on the patient's care team.
	CareTeam(ctx context.Context, patientID int64) ([]int64, error)
}

// Sealer encrypts small values at rest (portal/seal's Keyring). Unseal must
// be given the same owner and associated data as Seal, or fail.
type Sealer interface {
	Seal(ctx context.Context, owner string, plaintext, ad []byte) ([]byte, error)
	Unseal(ctx context.Context, owner string, sealed, ad []byte) ([]byte, error)
}
