package web

import (
	"net/http"
	"slices"
	"time"

	"haven/crisis"
	"haven/portal/account"
	"haven/portal/fault"
)

// resolveRequest closes a held escalation. Dispositions and follow-up
// kinds are crisis's fixed lists; the crisis package refuses others.
type resolveRequest struct {
	Disposition string            `json:"disposition"`
	FollowUps   []followUpRequest `json:"follow_ups"`
}

// followUpRequest is one follow-up task set at resolution.
type followUpRequest struct {
	Kind       string `json:"kind"`
	AssigneeID int64  `json:"assignee_id"` // 0: the one resolving
	Due        string `json:"due"`         // RFC 3339
}

// How far a follow-up's due time may lie from now.
const (
	followUpPast   = time.Hour
	followUpFuture = 400 * 24 * time.Hour
)

var (
	errFollowUpDue = fault.New(fault.Invalid,
		"Each follow-up needs a due time (RFC 3339) within the next 400 days.")
	errFollowUpAssignee = fault.New(fault.Invalid,
		"A follow-up can be assigned to you or to a clinician on the patient's care team.")
)

// handleCrisisResolve resolves an escalation the caller holds with a
// disposition and follow-ups; the crisis package refuses anyone else
// (403 "Only the counselor who took this crisis request can do that", 409
// when nobody holds it yet or it is already resolved).
func (s *Server) handleCrisisResolve(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in resolveRequest
	if err := decodeJSON(w, r, crisisBodyLimit, &in); err != nil {
		return err
	}
	followUps, err := s.followUpsOf(r, u, c, id, in.FollowUps)
	if err != nil {
		return err
	}
	e, err := c.Resolve(r.Context(), u.ID, id, crisis.Disposition(in.Disposition), followUps)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"escalation_id": e.ID, "state": string(e.State),
		"disposition": string(e.Disposition)})
	return nil
}

// followUpsOf checks the follow-ups' due times and assignees (the caller,
// or a clinician on the patient's care team, read under the access policy).
func (s *Server) followUpsOf(r *http.Request, u User, c Crisis, id int64, in []followUpRequest) ([]crisis.FollowUp, error) {
	out := make([]crisis.FollowUp, 0, len(in))
	others := false
	now := time.Now()
	for _, f := range in {
		due, err := time.Parse(time.RFC3339, f.Due)
		if err != nil || due.Before(now.Add(-followUpPast)) || due.After(now.Add(followUpFuture)) {
			return nil, errFollowUpDue
		}
		assignee := f.AssigneeID
		if assignee == 0 {
			assignee = u.ID
		}
		others = others || assignee != u.ID
		out = append(out, crisis.FollowUp{Kind: crisis.FollowUpKind(f.Kind), AssigneeID: assignee, Due: due})
	}
	if !others {
		return out, nil
	}
	team, err := s.careTeamOf(r, u, c, id)
	if err != nil {
		return nil, err
	}
	for _, f := range out {
		if f.AssigneeID != u.ID && !slices.Contains(team, f.AssigneeID) {
			return nil, errFollowUpAssignee
		}
	}
	return out, nil
}

// careTeamOf returns the ids of the care team of the escalation's patient,
// if u holds the escalation and the access policy lets u read the
// patient's data. For an escalation u does not hold it returns the error
// Resolve would.
func (s *Server) careTeamOf(r *http.Request, u User, c Crisis, id int64) ([]int64, error) {
	e, err := c.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	switch {
	case e.State == crisis.Resolved:
		return nil, crisis.ErrResolved
	case e.State != crisis.Claimed && e.State != crisis.InConversation:
		return nil, crisis.ErrNotClaimed
	case e.CounselorID != u.ID:
		return nil, crisis.ErrNotYours
	}
	if err := s.deps.Accounts.Authorize(r.Context(), u.Actor, account.Read, e.PatientID); err != nil {
		return nil, err
	}
	members, err := s.deps.Accounts.CareTeam(r.Context(), e.PatientID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.ClinicianID
	}
	return ids, nil
}
