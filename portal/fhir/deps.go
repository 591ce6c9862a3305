package fhir

import (
	"context"
	"time"

	"haven/portal/account"
	"haven/portal/audit"
	"haven/portal/measures"
	"haven/portal/meds"
	"haven/portal/records"
	"haven/portal/visits"
)

// Accounts is what fhir needs of portal/account; *account.Service
// satisfies it.
type Accounts interface {
	// Authorize returns nil when actor may act on patientID's data, else a
	// fault.Forbidden error (the refusal already audited).
	Authorize(ctx context.Context, actor account.Actor, action account.Action, patientID int64) error
	// Account returns a user, or account.ErrNoAccount.
	Account(ctx context.Context, id int64) (account.Account, error)
	// CareTeam lists the patient's care team in the order members joined.
	CareTeam(ctx context.Context, patientID int64) ([]account.Member, error)
	// PatientsOf lists the patients whose care team includes clinicianID.
	PatientsOf(ctx context.Context, clinicianID int64) ([]account.Account, error)
}

// Visits is what fhir needs of portal/visits; *visits.Service satisfies it.
type Visits interface {
	Get(ctx context.Context, actor account.Actor, appointmentID int64) (visits.Appointment, error)
	Appointments(ctx context.Context, actor account.Actor, patientID int64, from, to time.Time) ([]visits.Appointment, error)
	VisitTypes(ctx context.Context, actor account.Actor, clinicianID int64) ([]visits.VisitType, error)
}

// Meds is what fhir needs of portal/meds; *meds.Service satisfies it.
type Meds interface {
	List(ctx context.Context, actor account.Actor, patientID int64) ([]meds.Medication, error)
	Get(ctx context.Context, actor account.Actor, medID int64) (meds.Medication, error)
	Refills(ctx context.Context, actor account.Actor, patientID int64) ([]meds.Refill, error)
}

// Measures is what fhir needs of portal/measures; *measures.Service
// satisfies it.
type Measures interface {
	Series(ctx context.Context, actor account.Actor, patientID int64, instrument string, from, to time.Time) ([]measures.Point, error)
	Response(ctx context.Context, actor account.Actor, patientID, responseID int64) (measures.Response, error)
	Moods(ctx context.Context, actor account.Actor, patientID int64, from, to time.Time) ([]measures.Mood, error)
}

// Records is what fhir needs of portal/records; *records.Service satisfies
// it. Only the export is used: it holds shared notes alone, never withheld
// or psychotherapy notes.
type Records interface {
	ExportForPatient(ctx context.Context, actor account.Actor, patientID int64) (records.Export, error)
}

// Messages is what fhir needs of secure messaging (chat, behind an adapter
// the server writes: fhir may not import chat).
type Messages interface {
	// Conversations lists the metadata of patientID's conversations that
	// actor may see, in any order. It must authorize actor for the patient
	// (fault.Forbidden otherwise) and must not read message bodies.
	Conversations(ctx context.Context, actor account.Actor, patientID int64) ([]CommunicationMeta, error)
	// Bodies returns the messages of one of patientID's conversations,
	// oldest first, as actor may read them (audited by chat as a read of
	// the conversation). A conversation that is not the patient's, or that
	// actor may not see, is a fault.NotFound error.
	Bodies(ctx context.Context, actor account.Actor, patientID, conversationID int64) ([]MessageBody, error)
}

// CommunicationMeta describes one conversation without its content.
type CommunicationMeta struct {
	ConversationID int64
	Kind           string // "direct", "team" or "crisis"
	PatientID      int64
	Participants   []Participant
	CreatedAt      time.Time // when the conversation was opened
	LastSentAt     time.Time // the latest message; zero when none yet
	MessageCount   int64     // the last sequence number: messages are numbered 1..MessageCount
	Closed         bool      // ended (a resolved crisis conversation)
}

// Participant is a member of a conversation.
type Participant struct {
	UserID  int64
	Patient bool // the patient; otherwise staff
}

// MessageBody is one message of a conversation.
type MessageBody struct {
	Seq    int64
	Sender int64
	SentAt time.Time
	Body   string
}

// Auditor records fhir.read rows; *audit.Log satisfies it.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}
