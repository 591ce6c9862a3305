package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"haven/portal/fault"
	"haven/portal/records"
)

var errPlanShape = fault.New(fault.Invalid, "Field \"plan\" must be an object.")

var errBadBase = fault.New(fault.Invalid, "Field \"base_version\" must be the version you started from (0 for a first plan).")

// safetyPlanRequest saves a new version of the safety plan. base_version
// is the version the editor started from (0 for a first plan): when
// someone saved since, the save is refused with 409 and the message
// "The safety plan was changed by someone else. Reload it …".
type safetyPlanRequest struct {
	BaseVersion int             `json:"base_version"`
	Plan        json.RawMessage `json:"plan"` // a records.SafetyPlan, decoded as strictly as the body
}

// plan decodes the request's plan: its keys must be SafetyPlan's, as a
// body's must be its struct's. An absent or null plan is empty.
func (in safetyPlanRequest) plan() (records.SafetyPlan, error) {
	var p records.SafetyPlan
	raw := bytes.TrimSpace(in.Plan)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return p, nil
	case raw[0] != '{':
		return p, errPlanShape
	}
	if err := decodeObject(raw, &p); err != nil {
		return p, fault.Wrap(fault.Invalidf("In \"plan\": %s", fault.MessageOf(err)), err)
	}
	return p, nil
}

// safetyPlanJSON is one version of the plan. Version 0 is the empty plan
// (the 988 Lifeline only) of a patient who has none yet.
type safetyPlanJSON struct {
	Version   int                `json:"version"`
	Plan      records.SafetyPlan `json:"plan"`
	SavedBy   int64              `json:"saved_by,omitempty"`
	SavedRole string             `json:"saved_role,omitempty"`
	SavedAt   time.Time          `json:"saved_at,omitzero"`
}

type revisionJSON struct {
	Version   int       `json:"version"`
	SavedBy   int64     `json:"saved_by"`
	SavedRole string    `json:"saved_role"`
	SavedAt   time.Time `json:"saved_at"`
}

// toSafetyPlan converts a version, every section a list (never null).
func toSafetyPlan(v records.SafetyPlanVersion) safetyPlanJSON {
	p := v.Plan
	for _, l := range []*[]string{&p.WarningSigns, &p.CopingStrategies, &p.SafeEnvironment, &p.ReasonsForLiving} {
		if *l == nil {
			*l = []string{}
		}
	}
	for _, l := range []*[]records.Contact{&p.Distractions, &p.HelpContacts, &p.Professionals} {
		if *l == nil {
			*l = []records.Contact{}
		}
	}
	return safetyPlanJSON{Version: v.Version, Plan: p, SavedBy: v.SavedBy, SavedRole: v.SavedRole, SavedAt: v.SavedAt}
}

// handleSafetyPlan returns the current version.
func (s *Server) handleSafetyPlan(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	v, err := rec.CurrentSafetyPlan(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSafetyPlan(v))
	return nil
}

// handleSaveSafetyPlan saves a new version on top of base_version: 200
// with the version saved, 409 when base_version is stale.
func (s *Server) handleSaveSafetyPlan(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	var in safetyPlanRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	if in.BaseVersion < 0 {
		return errBadBase
	}
	plan, err := in.plan()
	if err != nil {
		return err
	}
	v, err := rec.SaveSafetyPlan(r.Context(), u.Actor, patientID, in.BaseVersion, plan)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSafetyPlan(v))
	return nil
}

// handleSafetyPlanHistory lists the saved versions, newest first, without
// their content.
func (s *Server) handleSafetyPlanHistory(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	list, err := rec.SafetyPlanHistory(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	out := make([]revisionJSON, 0, len(list))
	for _, v := range list {
		out = append(out, revisionJSON{Version: v.Version, SavedBy: v.SavedBy, SavedRole: v.SavedRole, SavedAt: v.SavedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
	return nil
}

// handleSafetyPlanAt returns one saved version; 404 when there is none.
func (s *Server) handleSafetyPlanAt(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	n, err := pathInt(r, "version")
	if err != nil {
		return err
	}
	v, err := rec.SafetyPlanAt(r.Context(), u.Actor, patientID, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSafetyPlan(v))
	return nil
}
