package crisis

import (
	"time"

	"haven/crisis/detect"
)

// Severity is how urgent an escalation is; it is the detector's scale
// (Low < Medium < High). An escalation is never None.
type Severity = detect.Severity

// The severities an escalation can have.
const (
	Low    = detect.Low
	Medium = detect.Medium
	High   = detect.High
)

// Source is what raised an escalation.
type Source string

// The sources of an escalation.
const (
	SourceButton    Source = "button"    // the patient pressed the crisis button
	SourceMessage   Source = "message"   // risk language in a patient's message
	SourceMeasure   Source = "measure"   // PHQ-9 item 9 > 0, a high-risk C-SSRS
	SourceClinician Source = "clinician" // a clinician escalated manually
)

func (s Source) valid() bool {
	switch s {
	case SourceButton, SourceMessage, SourceMeasure, SourceClinician:
		return true
	}
	return false
}

// State is where an escalation is in its life:
//
//	raised → offered → claimed → in_conversation → resolved
//	           ↓ (ack deadline)          ↑ claim
//	       rerouted (tier 2, then 3) → expired (keeps alerting)
//
// Offered, rerouted and expired escalations are waiting and may be claimed
// by anyone they were offered to.
type State string

// The states of an escalation.
const (
	Raised         State = "raised"
	Offered        State = "offered"
	Claimed        State = "claimed"
	InConversation State = "in_conversation"
	Resolved       State = "resolved"
	Rerouted       State = "rerouted"
	Expired        State = "expired"
)

// Waiting reports whether the escalation waits for a counselor.
func (s State) Waiting() bool { return s == Raised || s == Offered || s == Rerouted || s == Expired }

// Disposition is how a crisis ended; the list is fixed.
type Disposition string

// The dispositions. Haven never contacts emergency services itself;
// EmergencyAdvised records that the counselor advised the patient to.
const (
	DeEscalated      Disposition = "de_escalated"
	SafetyPlan       Disposition = "safety_plan"
	CareTeamFollowUp Disposition = "care_team_followup"
	Referred988      Disposition = "referred_988"
	EmergencyAdvised Disposition = "emergency_advised"
	NoContact        Disposition = "no_contact"
	NotACrisis       Disposition = "not_a_crisis"
)

func (d Disposition) valid() bool {
	switch d {
	case DeEscalated, SafetyPlan, CareTeamFollowUp, Referred988, EmergencyAdvised, NoContact, NotACrisis:
		return true
	}
	return false
}

// Escalation is one crisis escalation as stored.
type Escalation struct {
	ID              int64
	PatientID       int64
	Severity        Severity
	Source          Source
	TriggerRef      string // a reference such as "message:<conv>:<seq>", never text
	RaisedBy        int64  // 0 when raised by the system
	State           State
	Tier            int        // 1 on-call counselors, 2 supervisors, 3 all staff on duty + care team
	DueAt           *time.Time // the next deadline; nil once claimed or resolved
	Triggers        int        // how many triggers attached to it
	CounselorID     int64      // who claimed it; 0 before
	ConversationRef string
	Disposition     Disposition
	HasLocation     bool
	RaisedAt        time.Time
	OfferedAt       *time.Time
	ClaimedAt       *time.Time
	ResolvedAt      *time.Time
	Attached        bool // set by Raise: the trigger joined an escalation already open
}

// Target is the escalation's audit target and grant reference ("escalation:<id>").
func (e Escalation) Target() string { return target(e.ID) }
