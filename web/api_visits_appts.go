package web

import (
	"net/http"
	"time"

	"haven/portal/visits"
)

// The window of a patient's appointment list when the request names none:
// from half a day ago (a visit under way is still shown) to a year ahead.
const (
	listBack  = 12 * time.Hour
	listAhead = 380 * 24 * time.Hour
)

// handleAppointments lists a patient's booked visits and held offers
// overlapping [?from=, ?to=) (RFC 3339), by start time.
func (s *Server) handleAppointments(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from, err := queryVisitTime(q, "from", time.Now().Add(-listBack))
	if err != nil {
		return err
	}
	to, err := queryVisitTime(q, "to", from.Add(listBack+listAhead))
	if err != nil {
		return err
	}
	list, err := v.Appointments(r.Context(), u.Actor, patientID, from, to)
	if err != nil {
		return err
	}
	out, err := s.namesFor(v, u).appointments(r.Context(), list, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"appointments": out})
	return nil
}

// bookRequest books the slot starting at Start (RFC 3339, a slot's start
// from the open times) of a visit type with a clinician.
type bookRequest struct {
	ClinicianID int64  `json:"clinician_id"`
	VisitTypeID int64  `json:"visit_type_id"`
	Start       string `json:"start"`
}

// handleBook books a visit for the patient: 201 with the appointment. A
// slot someone else just took is 409 with the scheduler's message.
func (s *Server) handleBook(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in bookRequest
	if err := decodeJSON(w, r, visitsBodyLimit, &in); err != nil {
		return err
	}
	start, err := parseVisitTime(in.Start)
	if err != nil {
		return err
	}
	a, err := v.Book(r.Context(), u.Actor, visits.BookRequest{PatientID: patientID, ClinicianID: in.ClinicianID,
		VisitTypeID: in.VisitTypeID, Start: start})
	if err != nil {
		return err
	}
	return s.writeAppointment(w, r, u, v, http.StatusCreated, a)
}

// handleAppointment returns one appointment or offer.
func (s *Server) handleAppointment(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := v.Get(r.Context(), u.Actor, id)
	if err != nil {
		return err
	}
	return s.writeAppointment(w, r, u, v, http.StatusOK, a)
}

// handleCancel cancels a booked visit: 204. Inside the notice window a
// patient gets 400 with the scheduler's message (call the clinic or
// message the care team), shown as it is.
func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, visitsBodyLimit); err != nil {
		return err
	}
	if err := v.Cancel(r.Context(), u.Actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// rescheduleRequest moves a visit to another slot's start (RFC 3339).
type rescheduleRequest struct {
	Start string `json:"start"`
}

// handleReschedule moves a booked visit, keeping its id: 200 with it. On a
// conflict nothing changes.
func (s *Server) handleReschedule(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in rescheduleRequest
	if err := decodeJSON(w, r, visitsBodyLimit, &in); err != nil {
		return err
	}
	start, err := parseVisitTime(in.Start)
	if err != nil {
		return err
	}
	a, err := v.Reschedule(r.Context(), u.Actor, id, start)
	if err != nil {
		return err
	}
	return s.writeAppointment(w, r, u, v, http.StatusOK, a)
}

// roomJSON is what a page needs to enter a video visit's waiting room.
type roomJSON struct {
	Room          string `json:"room"`
	AppointmentID int64  `json:"appointment_id"`
	OpensAt       string `json:"opens_at"`
	Start         string `json:"start"`
	End           string `json:"end"`
	Host          bool   `json:"host"`
}

// handleVideoRoom admits the patient or the visit's clinician to a video
// visit's room from when its waiting room opens until the visit ends;
// before, 409 saying when it opens.
func (s *Server) handleVideoRoom(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	room, err := v.VideoRoom(r.Context(), u.Actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, roomJSON{Room: room.ID, AppointmentID: room.AppointmentID,
		OpensAt: visitTime(room.OpensAt, "UTC"), Start: visitTime(room.Start, "UTC"), End: visitTime(room.End, "UTC"), Host: room.Host})
	return nil
}
