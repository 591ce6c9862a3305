package chat

import "context"

// Actor is who is acting: the signed-in user's id and role ("patient",
// "clinician", "counselor" or "admin"), as the hub's Identity says.
type Actor struct {
	UserID int64
	Role   string
}

// isPatient reports whether the actor acts as a patient.
func (a Actor) isPatient() bool { return a.Role == "patient" }

// isStaff reports whether the actor may take part as staff.
func (a Actor) isStaff() bool { return a.Role == "clinician" || a.Role == "counselor" }

// Access is the care-team access policy chat needs (portal/account's
// Authorize and CareTeam, adapted by the caller).
type Access interface {
	// Authorize returns nil when the user, acting in role, may read and
	// write the patient's data now (on the care team, or holding an access
	// grant), and an error otherwise (fault.Forbidden for a refusal).
	Authorize(ctx context.Context, userID int64, role string, patientID int64) error
	// CareTeam returns the user ids of the clinicians on the patient's care
	// team.
	CareTeam(ctx context.Context, patientID int64) ([]int64, error)
}

// Sealer encrypts at rest (portal/seal's Keyring). Unseal succeeds only with
// the owner and associated data given to Seal.
type Sealer interface {
	Seal(ctx context.Context, owner string, plaintext, ad []byte) ([]byte, error)
	Unseal(ctx context.Context, owner string, sealed, ad []byte) ([]byte, error)
}

// Notifier sends content-free push notifications (the push package).
type Notifier interface {
	// NotifyNewMessage tells the user that the conversation has a new
	// message, without any of its content.
	NotifyNewMessage(ctx context.Context, userID, conversationID int64) error
	// MarkRead records that the user has read the conversation, so a
	// pending notification is withdrawn.
	MarkRead(ctx context.Context, userID, conversationID int64) error
}

// RiskScreen looks at what a patient wrote, for the crisis package's risk
// detector. It is called once per stored message whose sender is the
// conversation's patient (never for duplicates), after the commit, on one
// chat goroutine per node in commit order, whether or not the sender is
// still waiting; a slow screen delays the next ones, never the sends (up to
// a queue of 4,096, beyond which the committer screens inline). It must not
// keep or log body. Errors are its own to handle.
type RiskScreen interface {
	PatientMessage(ctx context.Context, patientID, conversationID, seq int64, body string)
}
