package web

import (
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"haven/crisis"
	"haven/portal/account"
	"haven/portal/audit"
	"haven/portal/records"
)

// crisisContext is what the counselor holding an escalation sees: who and
// how urgent, what triggered it (a reference, never message text), the
// patient's safety plan, care team, emergency contacts and any location
// they shared. Sections the node cannot serve are null.
type crisisContext struct {
	Escalation        contextEscalation          `json:"escalation"`
	Patient           person                     `json:"patient"`
	SafetyPlan        *crisisPlan                `json:"safety_plan"`
	CareTeam          []person                   `json:"care_team"`
	EmergencyContacts []records.EmergencyContact `json:"emergency_contacts"`
	Location          *sharedLocation            `json:"location"`
}

type contextEscalation struct {
	ID              int64      `json:"id"`
	Severity        string     `json:"severity"`
	Source          string     `json:"source"`
	TriggerRef      string     `json:"trigger_ref"`
	Triggers        int        `json:"triggers"`
	State           string     `json:"state"`
	Tier            int        `json:"tier"`
	RaisedAt        time.Time  `json:"raised_at"`
	ClaimedAt       *time.Time `json:"claimed_at,omitempty"`
	ConversationRef string     `json:"conversation_ref,omitempty"`
}

type sharedLocation struct {
	Lat      float64   `json:"lat"`
	Lon      float64   `json:"lon"`
	Accuracy float64   `json:"accuracy"`
	At       time.Time `json:"at"`
}

// handleCrisisContext shows the context of an escalation to the one
// holding it, and to nobody else: anyone else gets 403 and an
// access.denied audit row. The reads of the patient's data go through the
// access policy (the claim's grant) and are audited.
func (s *Server) handleCrisisContext(w http.ResponseWriter, r *http.Request, u User, c Crisis) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := c.Get(r.Context(), id)
	if err != nil {
		return err
	}
	if e.CounselorID != u.ID || (e.State != crisis.Claimed && e.State != crisis.InConversation) {
		s.auditCrisisRefusal(r, u, e)
		return crisis.ErrNotYours
	}
	if err := s.deps.Accounts.Authorize(r.Context(), u.Actor, account.Read, e.PatientID); err != nil {
		return err
	}
	out, err := s.contextOf(r, u, c, e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// contextOf gathers the held escalation's context.
func (s *Server) contextOf(r *http.Request, u User, c Crisis, e crisis.Escalation) (crisisContext, error) {
	ctx := r.Context()
	out := crisisContext{Escalation: contextEscalation{ID: e.ID, Severity: e.Severity.String(), Source: string(e.Source),
		TriggerRef: e.TriggerRef, Triggers: e.Triggers, State: string(e.State), Tier: e.Tier, RaisedAt: e.RaisedAt,
		ClaimedAt: e.ClaimedAt, ConversationRef: e.ConversationRef}, CareTeam: []person{},
		EmergencyContacts: []records.EmergencyContact{}}
	p, err := s.deps.Accounts.Account(ctx, e.PatientID)
	if err != nil {
		return out, err
	}
	out.Patient = person{ID: p.ID, DisplayName: p.DisplayName, Role: string(p.Role)}
	team, err := s.deps.Accounts.CareTeam(ctx, e.PatientID)
	if err != nil {
		return out, err
	}
	for _, m := range team {
		out.CareTeam = append(out.CareTeam, person{ID: m.ClinicianID, DisplayName: m.DisplayName, Role: string(account.RoleClinician)})
	}
	if err := s.auditRead(r, u, "crisis.context.read", e.PatientID); err != nil {
		return out, err
	}
	if s.deps.Records != nil {
		plan, err := s.deps.Records.CurrentSafetyPlan(ctx, u.Actor, e.PatientID)
		if err != nil {
			return out, err
		}
		pl := planOf(plan)
		out.SafetyPlan = &pl
		if out.EmergencyContacts, err = s.deps.Records.EmergencyContacts(ctx, u.Actor, e.PatientID); err != nil {
			return out, err
		}
		if out.EmergencyContacts == nil {
			out.EmergencyContacts = []records.EmergencyContact{}
		}
	}
	loc, err := c.Location(ctx, u.ID, e.ID)
	switch {
	case err == nil:
		out.Location = &sharedLocation{Lat: loc.Lat, Lon: loc.Lon, Accuracy: loc.AccuracyM, At: loc.At}
	case !errors.Is(err, crisis.ErrNoLocation):
		return out, err
	}
	return out, nil
}

// auditCrisisRefusal records that u was refused an escalation's context.
// A failure to record is logged: the request is refused either way.
func (s *Server) auditCrisisRefusal(r *http.Request, u User, e crisis.Escalation) {
	ip, _ := netip.ParseAddr(u.Actor.IP)
	err := s.deps.AccessLog.Record(r.Context(), audit.Entry{ActorID: u.ID, ActorRole: string(u.Role),
		Action: audit.ActionAccessDenied, PatientID: e.PatientID, Target: "escalation:" + strconv.FormatInt(e.ID, 10),
		Outcome: audit.Denied, ClientIP: ip, UserAgent: r.UserAgent()})
	if err != nil {
		s.log.ErrorContext(r.Context(), "crisis refusal not audited", append(logAttrs(r), "escalation_id", e.ID, "err", err)...)
	}
}
