package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/visits"
)

// Input errors of the scheduling routes.
var (
	errVisitTime       = fault.New(fault.Invalid, "Times must be written in RFC 3339 form, such as 2026-03-09T10:00:00-04:00.")
	errVisitTypeNeeded = fault.New(fault.Invalid, "Choose a visit type.")
	errVisitQueryID    = fault.New(fault.Invalid, "Ids must be positive whole numbers.")
)

// instant formats t in RFC 3339 as seen in zone (in UTC when the zone is
// unknown), the shape of every time the scheduling API returns.
func visitTime(t time.Time, zone string) string {
	if t.IsZero() {
		return ""
	}
	if l, err := visits.InZone(t, zone); err == nil {
		return l.Format(time.RFC3339)
	}
	return t.UTC().Format(time.RFC3339)
}

// parseVisitTime parses an RFC 3339 time from the request (errVisitTime).
func parseVisitTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || t.Year() < 2000 || t.Year() > 2199 {
		return time.Time{}, errVisitTime
	}
	return t, nil
}

// queryVisitTime parses the query parameter name as RFC 3339, or returns def
// when it is absent.
func queryVisitTime(q url.Values, name string, def time.Time) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	return parseVisitTime(v)
}

// queryVisitID parses the query parameter name as a positive id; missing is
// reported as missing.
func queryVisitID(q url.Values, name string, missing error) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, missing
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errVisitQueryID
	}
	return id, nil
}

// appointmentJSON is an appointment or waitlist offer on the wire. Times
// are RFC 3339 in the clinician's zone, which is given too; the UI shows
// them in each viewer's own zone.
type appointmentJSON struct {
	ID                 int64  `json:"id"`
	PatientID          int64  `json:"patient_id"`
	PatientName        string `json:"patient_name,omitempty"`
	ClinicianID        int64  `json:"clinician_id"`
	ClinicianName      string `json:"clinician_name"`
	VisitTypeID        int64  `json:"visit_type_id"`
	VisitType          string `json:"visit_type"`
	Modality           string `json:"modality"`
	Status             string `json:"status"`
	Start              string `json:"start"`
	End                string `json:"end"`
	Zone               string `json:"zone"`
	HoldUntil          string `json:"hold_until,omitempty"`
	WaitingRoomOpensAt string `json:"waiting_room_opens_at,omitempty"`
}

// visitNamer looks up, once each, the display names of accounts and visit
// types for the appointments of one response.
type visitNamer struct {
	s      *Server
	v      Visits
	actor  account.Actor
	people map[int64]string
	types  map[int64]map[int64]string // clinician → type id → name
}

func (s *Server) namesFor(v Visits, u User) *visitNamer {
	return &visitNamer{s: s, v: v, actor: u.Actor, people: map[int64]string{}, types: map[int64]map[int64]string{}}
}

// person returns a user's display name ("" when the account is gone).
func (n *visitNamer) person(ctx context.Context, id int64) (string, error) {
	return n.s.nameOf(ctx, n.people, id)
}

// visitType returns the name of one of a clinician's visit types; a retired
// type reads "Visit".
func (n *visitNamer) visitType(ctx context.Context, clinicianID, typeID int64) (string, error) {
	names, ok := n.types[clinicianID]
	if !ok {
		list, err := n.v.VisitTypes(ctx, n.actor, clinicianID)
		if err != nil {
			return "", err
		}
		names = map[int64]string{}
		for _, t := range list {
			names[t.ID] = t.Name
		}
		n.types[clinicianID] = names
	}
	if name, ok := names[typeID]; ok {
		return name, nil
	}
	return "Visit", nil
}

// appointment converts a for the wire; withPatient adds the patient's name
// (for the clinician's day).
func (n *visitNamer) appointment(ctx context.Context, a visits.Appointment, withPatient bool) (appointmentJSON, error) {
	out := appointmentJSON{ID: a.ID, PatientID: a.PatientID, ClinicianID: a.ClinicianID, VisitTypeID: a.VisitTypeID,
		Modality: string(a.Modality), Status: string(a.Status), Start: visitTime(a.Start, a.Zone), End: visitTime(a.End, a.Zone),
		Zone: a.Zone, HoldUntil: visitTime(a.HoldUntil, a.Zone), WaitingRoomOpensAt: visitTime(a.WaitingRoomOpensAt(), a.Zone)}
	var err error
	if out.ClinicianName, err = n.person(ctx, a.ClinicianID); err != nil {
		return out, err
	}
	if withPatient {
		if out.PatientName, err = n.person(ctx, a.PatientID); err != nil {
			return out, err
		}
	}
	out.VisitType, err = n.visitType(ctx, a.ClinicianID, a.VisitTypeID)
	return out, err
}

// appointments converts a list for the wire (never null).
func (n *visitNamer) appointments(ctx context.Context, list []visits.Appointment, withPatient bool) ([]appointmentJSON, error) {
	out := make([]appointmentJSON, 0, len(list))
	for _, a := range list {
		j, err := n.appointment(ctx, a, withPatient)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// writeAppointment answers with one appointment.
func (s *Server) writeAppointment(w http.ResponseWriter, r *http.Request, u User, v Visits, status int, a visits.Appointment) error {
	j, err := s.namesFor(v, u).appointment(r.Context(), a, u.Role != account.RolePatient)
	if err != nil {
		return err
	}
	writeJSON(w, status, j)
	return nil
}

// visitTypeJSON is a visit type on the wire.
type visitTypeJSON struct {
	ID          int64  `json:"id"`
	ClinicianID int64  `json:"clinician_id"`
	Name        string `json:"name"`
	Minutes     int    `json:"minutes"`
	Modality    string `json:"modality"`
	Active      bool   `json:"active"`
}

func visitTypeOf(t visits.VisitType) visitTypeJSON {
	return visitTypeJSON{ID: t.ID, ClinicianID: t.ClinicianID, Name: t.Name, Minutes: t.Minutes,
		Modality: string(t.Modality), Active: t.Active}
}

// slotJSON is an open time on the wire.
type slotJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Zone  string `json:"zone"`
}

// waitlistJSON is a waitlist entry on the wire.
type waitlistJSON struct {
	ID            int64  `json:"id"`
	PatientID     int64  `json:"patient_id"`
	ClinicianID   int64  `json:"clinician_id"`
	ClinicianName string `json:"clinician_name"`
	VisitTypeID   int64  `json:"visit_type_id"`
	VisitType     string `json:"visit_type"`
	Before        string `json:"before"`
	State         string `json:"state"`
	CreatedAt     string `json:"created_at"`
	OfferID       int64  `json:"offer_id,omitempty"`
	OfferUntil    string `json:"offer_until,omitempty"`
}

func (n *visitNamer) waitlist(ctx context.Context, e visits.WaitlistEntry) (waitlistJSON, error) {
	out := waitlistJSON{ID: e.ID, PatientID: e.PatientID, ClinicianID: e.ClinicianID, VisitTypeID: e.VisitTypeID,
		Before: visitTime(e.Before, "UTC"), State: e.State, CreatedAt: visitTime(e.CreatedAt, "UTC"), OfferID: e.OfferID,
		OfferUntil: visitTime(e.OfferUntil, "UTC")}
	var err error
	if out.ClinicianName, err = n.person(ctx, e.ClinicianID); err != nil {
		return out, err
	}
	out.VisitType, err = n.visitType(ctx, e.ClinicianID, e.VisitTypeID)
	return out, err
}
