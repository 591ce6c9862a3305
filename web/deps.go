package web

import (
	"context"
	"time"

	"haven/crisis"
	"haven/portal/account"
	"haven/portal/audit"
	"haven/portal/measures"
	"haven/portal/records"
	"haven/push"
)

// The real services satisfy the edge's interfaces.
var (
	_ Accounts  = (*account.Service)(nil)
	_ AccessLog = (*audit.Log)(nil)
	_ Push      = (*push.Service)(nil)
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

// Push is web push as the edge uses it: the VAPID key, the user's devices
// and notification preferences. *push.Service satisfies it; its errors
// (push.ErrUnknownPushService, push.ErrBadKeys, push.ErrNoDevice,
// push.ErrQuietHours, push.ErrCrisisOptOut, …) are faults shown as they are.
type Push interface {
	// PublicKey is the VAPID application server key, base64url.
	PublicKey() string
	// Subscribe upserts a browser's subscription (by endpoint) for userID.
	Subscribe(ctx context.Context, userID int64, sub push.Subscription) (push.Device, error)
	// Unsubscribe deletes the user's device id; push.ErrNoDevice when the
	// user has none with that id (another user's device included).
	Unsubscribe(ctx context.Context, userID, id int64) error
	// Devices lists the user's devices, most recently seen first.
	Devices(ctx context.Context, userID int64) ([]push.Device, error)
	// Preferences returns the user's quiet hours and opt-outs.
	Preferences(ctx context.Context, userID int64) (push.Preferences, error)
	// SetPreferences replaces them.
	SetPreferences(ctx context.Context, userID int64, p push.Preferences) error
}

// Measures is measurement-based care as the edge uses it (questionnaires,
// assignments, score series, mood check-ins). *measures.Service satisfies
// it; every method asks the access policy and audits, and its errors are
// faults shown as they are.
type Measures interface {
	Assign(ctx context.Context, actor account.Actor, req measures.AssignRequest) (measures.Assignment, error)
	EndAssignment(ctx context.Context, actor account.Actor, patientID, assignmentID int64) error
	Assignments(ctx context.Context, actor account.Actor, patientID int64) ([]measures.Assignment, error)
	Submit(ctx context.Context, actor account.Actor, req measures.SubmitRequest) (measures.Submission, error)
	Response(ctx context.Context, actor account.Actor, patientID, responseID int64) (measures.Response, error)
	Series(ctx context.Context, actor account.Actor, patientID int64, instrument string, from, to time.Time) ([]measures.Point, error)
	CheckIn(ctx context.Context, actor account.Actor, patientID int64, in measures.MoodInput) (measures.Mood, error)
	Moods(ctx context.Context, actor account.Actor, patientID int64, from, to time.Time) ([]measures.Mood, error)
	MoodTrend(ctx context.Context, actor account.Actor, patientID int64, from, to time.Time) ([]measures.MoodPoint, error)
}

// Records is the shared chart as the edge uses it (notes, treatment plan,
// safety plan, emergency contacts, resources). *records.Service satisfies
// it; every patient-scoped method asks the access policy and audits, and
// which notes a reader sees is decided there, never at the edge.
type Records interface {
	Notes(ctx context.Context, actor account.Actor, patientID int64) ([]records.Note, error)
	Note(ctx context.Context, actor account.Actor, patientID, noteID int64) (records.Note, error)
	WriteNote(ctx context.Context, actor account.Actor, in records.NewNote) (records.Note, error)
	ShareNote(ctx context.Context, actor account.Actor, patientID, noteID int64) error
	WithholdNote(ctx context.Context, actor account.Actor, patientID, noteID int64, why records.Exception) error
	TreatmentPlan(ctx context.Context, actor account.Actor, patientID int64) (records.Plan, error)
	AddGoal(ctx context.Context, actor account.Actor, patientID int64, in records.GoalInput) (records.Goal, error)
	UpdateGoal(ctx context.Context, actor account.Actor, patientID, goalID int64, in records.GoalInput) (records.Goal, error)
	AddProgress(ctx context.Context, actor account.Actor, patientID, goalID int64, note string) (records.Progress, error)
	CurrentSafetyPlan(ctx context.Context, actor account.Actor, patientID int64) (records.SafetyPlanVersion, error)
	SaveSafetyPlan(ctx context.Context, actor account.Actor, patientID int64, base int, plan records.SafetyPlan) (records.SafetyPlanVersion, error)
	SafetyPlanAt(ctx context.Context, actor account.Actor, patientID int64, version int) (records.SafetyPlanVersion, error)
	SafetyPlanHistory(ctx context.Context, actor account.Actor, patientID int64) ([]records.SafetyPlanRevision, error)
	EmergencyContacts(ctx context.Context, actor account.Actor, patientID int64) ([]records.EmergencyContact, error)
	AddEmergencyContact(ctx context.Context, actor account.Actor, patientID int64, c records.EmergencyContact) (records.EmergencyContact, error)
	RemoveEmergencyContact(ctx context.Context, actor account.Actor, patientID, contactID int64) error
	Library(ctx context.Context, actor account.Actor) ([]records.Resource, error)
	AddResource(ctx context.Context, actor account.Actor, in records.ResourceInput) (records.Resource, error)
	AssignedResources(ctx context.Context, actor account.Actor, patientID int64) ([]records.AssignedResource, error)
	AssignResource(ctx context.Context, actor account.Actor, patientID, resourceID int64) error
	UnassignResource(ctx context.Context, actor account.Actor, patientID, resourceID int64) error
}

// Crisis is crisis escalation as the edge uses it: the crisis button, the
// patient's request state, the counselor console and a clinician's manual
// escalation. *crisis.Service satisfies it; who may claim, resolve or read
// a location is decided there, and its errors (crisis.ErrTaken,
// crisis.ErrNotYours, …) are faults shown as they are.
type Crisis interface {
	RaiseAndOffer(ctx context.Context, req crisis.RaiseRequest) (crisis.Escalation, error)
	Get(ctx context.Context, id int64) (crisis.Escalation, error)
	History(ctx context.Context, id int64) ([]crisis.Transition, error)
	Queue(ctx context.Context, viewerID int64) ([]crisis.QueueItem, error)
	Claim(ctx context.Context, counselorID, id int64) (crisis.Escalation, error)
	Resolve(ctx context.Context, counselorID, id int64, d crisis.Disposition, followUps []crisis.FollowUp) (crisis.Escalation, error)
	ShareLocation(ctx context.Context, patientID int64, loc crisis.Location) (int64, error)
	Location(ctx context.Context, counselorID, id int64) (crisis.Location, error)
	SetSwitch(ctx context.Context, userID int64, sw crisis.Switch) error
	OnCall(ctx context.Context, now time.Time) ([]crisis.OnCallEntry, error)
	Coverage(ctx context.Context) (crisis.Coverage, error)
}
