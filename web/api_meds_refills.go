package web

import (
	"net/http"
	"time"

	"haven/portal/fault"
	"haven/portal/meds"
)

var errRefillDecision = fault.New(fault.Invalid, `Answer the refill request with "approve" or "decline".`)

// refillJSON is a refill request and its answer on the wire.
type refillJSON struct {
	ID             int64  `json:"id"`
	MedicationID   int64  `json:"medication_id"`
	MedicationName string `json:"medication_name"`
	PatientID      int64  `json:"patient_id"`
	PatientName    string `json:"patient_name,omitempty"`
	PrescriberID   int64  `json:"prescriber_id"`
	State          string `json:"state"`
	RequestedAt    string `json:"requested_at"`
	DecidedAt      string `json:"decided_at,omitempty"`
	Note           string `json:"note"`
}

func refillJSONOf(r meds.Refill, patientName string) refillJSON {
	out := refillJSON{ID: r.ID, MedicationID: r.MedID, MedicationName: r.MedicationName, PatientID: r.PatientID,
		PatientName: patientName, PrescriberID: r.PrescriberID, State: string(r.State),
		RequestedAt: r.RequestedAt.UTC().Format(time.RFC3339), Note: r.Note}
	if !r.DecidedAt.IsZero() {
		out.DecidedAt = r.DecidedAt.UTC().Format(time.RFC3339)
	}
	return out
}

// handleRequestRefill asks the prescriber for a refill of the patient's
// medication: 201 with the request; 409 while one is already waiting.
func (s *Server) handleRequestRefill(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, medsBodyLimit); err != nil {
		return err
	}
	ref, err := m.RequestRefill(r.Context(), u.Actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, refillJSONOf(ref, ""))
	return nil
}

// handleRefills lists a patient's refill requests, newest first.
func (s *Server) handleRefills(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := m.Refills(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	out := make([]refillJSON, 0, len(list))
	for _, ref := range list {
		out = append(out, refillJSONOf(ref, ""))
	}
	writeJSON(w, http.StatusOK, map[string]any{"refills": out})
	return nil
}

// handlePendingRefills lists the refill requests waiting for the calling
// clinician, oldest first, with the patients' names.
func (s *Server) handlePendingRefills(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	list, err := m.PendingRefills(r.Context(), u.Actor, u.ID)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	out := make([]refillJSON, 0, len(list))
	for _, ref := range list {
		name, err := s.nameOf(r.Context(), names, ref.PatientID)
		if err != nil {
			return err
		}
		out = append(out, refillJSONOf(ref, name))
	}
	writeJSON(w, http.StatusOK, map[string]any{"refills": out})
	return nil
}

// decisionRequest answers a refill request: "approve" or "decline", with
// an optional note to the patient.
type decisionRequest struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

// handleDecideRefill approves or declines a waiting refill request: 200
// with the answered request; 409 when it was already answered.
func (s *Server) handleDecideRefill(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in decisionRequest
	if err := decodeJSON(w, r, medsBodyLimit, &in); err != nil {
		return err
	}
	var approve bool
	switch in.Decision {
	case "approve":
		approve = true
	case "decline":
	default:
		return errRefillDecision
	}
	ref, err := m.DecideRefill(r.Context(), u.Actor, id, approve, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, refillJSONOf(ref, ""))
	return nil
}
