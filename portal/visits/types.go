package visits

import (
	"strconv"
	"time"
)

// Modality is how a visit happens.
type Modality string

// The modalities.
const (
	Video    Modality = "video"
	InPerson Modality = "in_person"
)

// Valid reports whether m is one of the modalities.
func (m Modality) Valid() bool { return m == Video || m == InPerson }

// Status is where an appointment stands.
type Status string

// The statuses. Only Booked and Held occupy the clinician's time.
const (
	Booked    Status = "booked"    // an appointment
	Held      Status = "held"      // a waitlist offer, reserved until HoldUntil
	Cancelled Status = "cancelled" // cancelled by the patient or the clinic
	Lapsed    Status = "lapsed"    // a waitlist offer declined or expired
)

// Appointment is a booked visit or a waitlist offer.
type Appointment struct {
	ID          int64
	PatientID   int64
	ClinicianID int64
	VisitTypeID int64
	Start, End  time.Time // instants; End is exclusive
	Zone        string    // the clinician's IANA zone it was booked in
	Modality    Modality
	Status      Status
	HoldUntil   time.Time // when a Held offer lapses; zero otherwise
	WaitlistID  int64     // the waitlist entry it was offered to, or 0
}

// WaitingRoomOpensAt returns when the waiting room of a video visit opens
// (WaitingRoomLead before the start), or the zero time for an in-person visit.
func (a Appointment) WaitingRoomOpensAt() time.Time {
	if a.Modality != Video {
		return time.Time{}
	}
	return a.Start.Add(-WaitingRoomLead)
}

// StartIn returns the start as seen in the viewer's zone (ErrZone if unknown).
func (a Appointment) StartIn(zone string) (time.Time, error) { return InZone(a.Start, zone) }

// SessionRoom returns the media room id of a video appointment: stable for
// the appointment's life (a reschedule keeps it), and meaningless without
// the access check of VideoRoom.
func SessionRoom(appointmentID int64) string {
	return "visit-" + strconv.FormatInt(appointmentID, 10)
}

// Slot is an open time a visit of a given type can be booked at.
type Slot struct {
	Start, End time.Time // instants; End is exclusive
	Zone       string    // the clinician's zone, for rendering
}

// VisitType is a kind of visit a clinician offers.
type VisitType struct {
	ID          int64
	ClinicianID int64
	Name        string // "Therapy session"; not health information
	Minutes     int    // 5 to 480
	Modality    Modality
	Active      bool
}

// Duration returns the visit's length.
func (t VisitType) Duration() time.Duration { return time.Duration(t.Minutes) * time.Minute }

// WaitlistEntry is a patient's request for an earlier slot.
type WaitlistEntry struct {
	ID          int64
	PatientID   int64
	ClinicianID int64
	VisitTypeID int64
	Before      time.Time // offered slots start before this instant
	State       string    // "waiting", "booked" or "withdrawn"
	CreatedAt   time.Time
	OfferID     int64     // the open offer (a Held appointment), or 0
	OfferUntil  time.Time // when that offer lapses
}
