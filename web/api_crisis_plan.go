package web

import (
	"net/http"
	"time"

	"haven/portal/fault"
	"haven/portal/records"
)

// errCrisisPlanUnavailable answers GET /api/crisis/safety-plan when the
// node has no records service.
var errCrisisPlanUnavailable = fault.New(fault.Unavailable, "Your safety plan is not available on this server right now.")

// crisisPlan is a safety plan as the crisis page and console show it.
// Version 0 means the patient has no plan yet (it then lists only 988).
type crisisPlan struct {
	Version  int                `json:"version"`
	SavedAt  *time.Time         `json:"saved_at,omitempty"`
	Plan     records.SafetyPlan `json:"plan"`
	Lifeline records.Contact    `json:"lifeline"`
}

func planOf(v records.SafetyPlanVersion) crisisPlan {
	out := crisisPlan{Version: v.Version, Plan: v.Plan, Lifeline: records.Lifeline()}
	if !v.SavedAt.IsZero() {
		saved := v.SavedAt
		out.SavedAt = &saved
	}
	return out
}

// handleCrisisSafetyPlan returns the patient's own current safety plan for
// the crisis page, which keeps a copy on the device for offline use. The
// records package asks the access policy and audits the read.
func (s *Server) handleCrisisSafetyPlan(w http.ResponseWriter, r *http.Request, u User) error {
	if s.deps.Records == nil {
		return errCrisisPlanUnavailable
	}
	v, err := s.deps.Records.CurrentSafetyPlan(r.Context(), u.Actor, u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, planOf(v))
	return nil
}
