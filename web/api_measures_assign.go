package web

import (
	"net/http"
	"time"

	"haven/portal/measures"
)

// assignRequest asks a patient to complete a questionnaire. due is an RFC
// 3339 time ("" means now); zone is the patient's IANA zone; every_days 0
// asks once; appointment_id makes it the pre-visit questionnaire of an
// appointment.
type assignRequest struct {
	Instrument    string `json:"instrument"`
	Due           string `json:"due"`
	Zone          string `json:"zone"`
	EveryDays     int    `json:"every_days"`
	AppointmentID int64  `json:"appointment_id"`
}

// assignmentJSON is an assignment. due is absent once nothing more is due.
type assignmentJSON struct {
	ID             int64     `json:"id"`
	PatientID      int64     `json:"patient_id"`
	Instrument     string    `json:"instrument"`
	InstrumentName string    `json:"instrument_name"`
	AssignedBy     int64     `json:"assigned_by"`
	EveryDays      int       `json:"every_days"`
	AppointmentID  int64     `json:"appointment_id,omitempty"`
	Zone           string    `json:"zone"`
	Due            time.Time `json:"due,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
	CompletedAt    time.Time `json:"completed_at,omitzero"`
	EndedAt        time.Time `json:"ended_at,omitzero"`
}

func toAssignment(a measures.Assignment) assignmentJSON {
	name := a.Instrument
	if in, err := measures.Lookup(a.Instrument); err == nil {
		name = in.Name
	}
	return assignmentJSON{ID: a.ID, PatientID: a.PatientID, Instrument: a.Instrument, InstrumentName: name,
		AssignedBy: a.AssignedBy, EveryDays: a.EveryDays, AppointmentID: a.AppointmentID, Zone: a.Zone,
		Due: a.Due, CreatedAt: a.CreatedAt, CompletedAt: a.CompletedAt, EndedAt: a.EndedAt}
}

// handleAssign records a clinician's assignment: 201 with the assignment.
func (s *Server) handleAssign(w http.ResponseWriter, r *http.Request, u User, m Measures, patientID int64) error {
	var in assignRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	due := time.Now()
	if in.Due != "" {
		var err error
		if due, err = parseTimeField(in.Due); err != nil {
			return err
		}
	}
	a, err := m.Assign(r.Context(), u.Actor, measures.AssignRequest{PatientID: patientID, Instrument: in.Instrument,
		Due: due, Zone: in.Zone, EveryDays: in.EveryDays, AppointmentID: in.AppointmentID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAssignment(a))
	return nil
}

// handleAssignments lists the patient's open assignments, soonest due
// first: the questionnaires waiting for them.
func (s *Server) handleAssignments(w http.ResponseWriter, r *http.Request, u User, m Measures, patientID int64) error {
	list, err := m.Assignments(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	out := make([]assignmentJSON, 0, len(list))
	for _, a := range list {
		out = append(out, toAssignment(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"assignments": out})
	return nil
}

// handleEndAssignment stops an assignment: 204.
func (s *Server) handleEndAssignment(w http.ResponseWriter, r *http.Request, u User, m Measures, patientID int64) error {
	id, err := pathID(r, "assignment")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.cfg.BodyLimit); err != nil {
		return err
	}
	if err := m.EndAssignment(r.Context(), u.Actor, patientID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
