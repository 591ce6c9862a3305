package web

import (
	"net/http"

	"haven/portal/visits"
)

// handleWaitlist lists the patient's waiting entries in the order they
// joined, each with its open offer if any.
func (s *Server) handleWaitlist(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := v.Waitlist(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	n := s.namesFor(v, u)
	out := make([]waitlistJSON, 0, len(list))
	for _, e := range list {
		j, err := n.waitlist(r.Context(), e)
		if err != nil {
			return err
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"waitlist": out})
	return nil
}

// waitlistRequest asks for an earlier slot of a visit type with a
// clinician, starting before Before (RFC 3339).
type waitlistRequest struct {
	ClinicianID int64  `json:"clinician_id"`
	VisitTypeID int64  `json:"visit_type_id"`
	Before      string `json:"before"`
}

// handleJoinWaitlist puts the patient in line: 201 with the entry; 409
// when they already wait for this clinician.
func (s *Server) handleJoinWaitlist(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in waitlistRequest
	if err := decodeJSON(w, r, visitsBodyLimit, &in); err != nil {
		return err
	}
	before, err := parseVisitTime(in.Before)
	if err != nil {
		return err
	}
	e, err := v.JoinWaitlist(r.Context(), u.Actor, visits.WaitlistRequest{PatientID: patientID, ClinicianID: in.ClinicianID,
		VisitTypeID: in.VisitTypeID, Before: before})
	if err != nil {
		return err
	}
	j, err := s.namesFor(v, u).waitlist(r.Context(), e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, j)
	return nil
}

// handleLeaveWaitlist takes an entry out of line (an offer it holds
// passes on): 204, also when it had already left.
func (s *Server) handleLeaveWaitlist(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, visitsBodyLimit); err != nil {
		return err
	}
	if err := v.LeaveWaitlist(r.Context(), u.Actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleAcceptOffer books a held waitlist offer: 200 with the appointment;
// 409 when it expired or closed.
func (s *Server) handleAcceptOffer(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, visitsBodyLimit); err != nil {
		return err
	}
	a, err := v.AcceptOffer(r.Context(), u.Actor, id)
	if err != nil {
		return err
	}
	return s.writeAppointment(w, r, u, v, http.StatusOK, a)
}

// handleDeclineOffer gives a held offer up: 204.
func (s *Server) handleDeclineOffer(w http.ResponseWriter, r *http.Request, u User, v Visits) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, visitsBodyLimit); err != nil {
		return err
	}
	if err := v.DeclineOffer(r.Context(), u.Actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
