package web

import (
	"net/http"

	"haven/portal/fault"
	"haven/portal/records"
)

// The real service satisfies the edge's interface.
var _ Records = (*records.Service)(nil)

// errRecordsUnavailable answers the records routes when the node has no
// records service.
var errRecordsUnavailable = fault.New(fault.Unavailable, "Notes, care plans and safety plans are not available on this server.")

// recordsRoutes lists the shared-chart pages and routes. Every API route
// needs a full session; the patient-scoped ones leave access (and its
// auditing), and which notes a reader sees, to the records service.
func (s *Server) recordsRoutes() {
	// The pages: the patient's safety plan and notes, and the clinician's
	// chart of one patient (/chart?patient=<id>).
	for _, p := range []string{"/safety-plan", "/notes", "/chart"} {
		s.Handle("GET "+p, http.HandlerFunc(s.handlePage))
	}
	s.Handle("GET /api/patients/{id}/notes", s.recorded(s.handleNotes))
	s.Handle("POST /api/patients/{id}/notes", s.recorded(s.handleWriteNote))
	s.Handle("GET /api/patients/{id}/notes/{note}", s.recorded(s.handleNote))
	s.Handle("POST /api/patients/{id}/notes/{note}/share", s.recorded(s.handleShareNote))
	s.Handle("POST /api/patients/{id}/notes/{note}/withhold", s.recorded(s.handleWithholdNote))

	s.Handle("GET /api/patients/{id}/treatment-plan", s.recorded(s.handleTreatmentPlan))
	s.Handle("POST /api/patients/{id}/treatment-plan/goals", s.recorded(s.handleAddGoal))
	s.Handle("PUT /api/patients/{id}/treatment-plan/goals/{goal}", s.recorded(s.handleUpdateGoal))
	s.Handle("POST /api/patients/{id}/treatment-plan/goals/{goal}/progress", s.recorded(s.handleAddProgress))

	s.Handle("GET /api/patients/{id}/safety-plan", s.recorded(s.handleSafetyPlan))
	s.Handle("PUT /api/patients/{id}/safety-plan", s.recorded(s.handleSaveSafetyPlan))
	s.Handle("GET /api/patients/{id}/safety-plan/history", s.recorded(s.handleSafetyPlanHistory))
	s.Handle("GET /api/patients/{id}/safety-plan/versions/{version}", s.recorded(s.handleSafetyPlanAt))

	s.Handle("GET /api/patients/{id}/emergency-contacts", s.recorded(s.handleEmergencyContacts))
	s.Handle("POST /api/patients/{id}/emergency-contacts", s.recorded(s.handleAddEmergencyContact))
	s.Handle("DELETE /api/patients/{id}/emergency-contacts/{contact}", s.recorded(s.handleRemoveEmergencyContact))

	s.Handle("GET /api/patients/{id}/resources", s.recorded(s.handleAssignedResources))
	s.Handle("PUT /api/patients/{id}/resources/{resource}", s.recorded(s.handleAssignResource))
	s.Handle("DELETE /api/patients/{id}/resources/{resource}", s.recorded(s.handleUnassignResource))
	s.Handle("GET /api/resources", s.recordsAuthed(s.handleLibrary))
	s.Handle("POST /api/resources", s.recordsAuthed(s.handleAddResource))
}

// recordsAuthed is authed for the records routes, answering 503 when
// Deps.Records is nil.
func (s *Server) recordsAuthed(h func(http.ResponseWriter, *http.Request, User, Records) error) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u User) error {
		if s.deps.Records == nil {
			return errRecordsUnavailable
		}
		return h(w, r, u, s.deps.Records)
	})
}

// recorded is recordsAuthed for /api/patients/{id}/…, passing the patient
// id from the path (400 when it is not a positive whole number).
func (s *Server) recorded(h func(http.ResponseWriter, *http.Request, User, Records, int64) error) http.Handler {
	return s.recordsAuthed(func(w http.ResponseWriter, r *http.Request, u User, rec Records) error {
		patientID, err := pathID(r, "id")
		if err != nil {
			return err
		}
		return h(w, r, u, rec, patientID)
	})
}
