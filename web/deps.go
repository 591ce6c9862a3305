package web

import (
	"context"
	"time"

	"haven/portal/account"
	"haven/portal/audit"
)

// The real services satisfy the edge's interfaces.
var (
	_ Accounts  = (*account.Service)(nil)
	_ AccessLog = (*audit.Log)(nil)
)

// Accounts is what the edge needs of portal/account; *account.Service
// satisfies it. The methods' contracts (errors, auditing) are account's.
type Accounts interface {
	Sessions
	Enrollment
	Directory
	Access
}

// Sessions signs people in and out and resolves session tokens.
type Sessions interface {
	SignIn(ctx context.Context, email, password, ip, userAgent string) (account.SignInResult, error)
	Authenticate(ctx context.Context, token string) (account.Session, error)
	CompleteMFA(ctx context.Context, token, code, ip, userAgent string) (account.Session, error)
	SignOut(ctx context.Context, token string) error
	SignOutEverywhere(ctx context.Context, userID int64) error
}

// Enrollment sets up TOTP for the user of a session token.
type Enrollment interface {
	BeginEnrollment(ctx context.Context, token string) (account.Enrollment, error)
	ConfirmEnrollment(ctx context.Context, token, code, ip, userAgent string) ([]string, error)
}

// Directory manages accounts and invitations.
type Directory interface {
	Account(ctx context.Context, id int64) (account.Account, error)
	CreateAccount(ctx context.Context, by account.Actor, in account.NewAccount) (account.Account, error)
	Disable(ctx context.Context, by account.Actor, userID int64) error
	Invite(ctx context.Context, by account.Actor, email, displayName string) (string, error)
	AcceptInvitation(ctx context.Context, token, password string) (int64, error)
	ListAccounts(ctx context.Context, by account.Actor) ([]account.Account, error)
}

// Access is the access policy and what it governs: care teams and
// break-glass.
type Access interface {
	Authorize(ctx context.Context, actor account.Actor, action account.Action, patientID int64) error
	CareTeam(ctx context.Context, patientID int64) ([]account.Member, error)
	PatientsOf(ctx context.Context, clinicianID int64) ([]account.Account, error)
	BreakGlass(ctx context.Context, actor account.Actor, patientID int64, reason string, d time.Duration) (account.BreakGlassGrant, error)
	BreakGlassesOf(ctx context.Context, patientID int64) ([]account.BreakGlassGrant, error)
}

// AccessLog is the audit log as the edge uses it: it records the reads of
// health information the edge itself serves, and answers "who viewed my
// record". *audit.Log satisfies it.
type AccessLog interface {
	// Record appends one audit entry.
	Record(ctx context.Context, e audit.Entry) error
	// ViewsOf returns up to limit accesses to patientID's record by anyone
	// but the patient, newest first, break-glass openings included.
	ViewsOf(ctx context.Context, patientID int64, limit int) ([]audit.View, error)
}
