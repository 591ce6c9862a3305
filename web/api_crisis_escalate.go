package web

import (
	"net/http"
	"slices"
	"strconv"

	"haven/crisis"
	"haven/crisis/detect"
	"haven/portal/account"
	"haven/portal/fault"
)

// escalateRequest is a clinician's manual escalation. Severity is low,
// medium or high ("" means high); Conversation optionally names the
// conversation it is about, by id.
type escalateRequest struct {
	Severity     string `json:"severity"`
	Conversation int64  `json:"conversation_id"`
}

var (
	errEscalateSeverity = fault.New(fault.Invalid, "Severity must be low, medium or high.")
	errEscalateCareTeam = fault.New(fault.Forbidden, "Only a clinician on the patient's care team can escalate.")
)

// handleEscalate raises a crisis escalation for a patient on the caller's
// care team and offers it to the on-call counselors at once: 201 for a new
// escalation, 200 when the patient already had one open (the trigger is
// attached to it). Others get 403, audited by the access policy.
func (s *Server) handleEscalate(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in escalateRequest
	if err := decodeJSON(w, r, crisisBodyLimit, &in); err != nil {
		return err
	}
	sev := crisis.High
	if in.Severity != "" {
		var ok bool
		if sev, ok = detect.ParseSeverity(in.Severity); !ok || sev < crisis.Low {
			return errEscalateSeverity
		}
	}
	if in.Conversation < 0 {
		return fault.New(fault.Invalid, "conversation_id must be a positive whole number.")
	}
	if err := s.onCareTeam(r, u, patientID); err != nil {
		return err
	}
	ref := "clinician:" + strconv.FormatInt(u.ID, 10)
	if in.Conversation > 0 {
		ref = "conversation:" + strconv.FormatInt(in.Conversation, 10)
	}
	e, err := c.RaiseAndOffer(r.Context(), crisis.RaiseRequest{PatientID: patientID, Severity: sev,
		Source: crisis.SourceClinician, TriggerRef: ref, RaisedBy: u.ID})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if e.Attached {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]any{"escalation_id": e.ID, "state": string(e.State), "attached": e.Attached})
	return nil
}

// onCareTeam admits u only if the access policy lets them write the
// patient's data and they are on the patient's care team (break-glass
// access is not enough to escalate).
func (s *Server) onCareTeam(r *http.Request, u User, patientID int64) error {
	if err := s.deps.Accounts.Authorize(r.Context(), u.Actor, account.Write, patientID); err != nil {
		return err
	}
	team, err := s.deps.Accounts.CareTeam(r.Context(), patientID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(team, func(m account.Member) bool { return m.ClinicianID == u.ID }) {
		return errEscalateCareTeam
	}
	return nil
}
