package web

import (
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"haven/portal/account"
	"haven/portal/audit"
)

// pathID parses the {name} path value as a positive id.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errBadID
	}
	return id, nil
}

// handleCareTeam lists a patient's care team to those the access policy
// lets read the patient's data (the patient, their clinicians, a holder of
// an access grant). Refusals are 403 and audited by the policy.
func (s *Server) handleCareTeam(w http.ResponseWriter, r *http.Request, u User) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.deps.Accounts.Authorize(r.Context(), u.Actor, account.Read, patientID); err != nil {
		return err
	}
	team, err := s.deps.Accounts.CareTeam(r.Context(), patientID)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, u, "careteam.read", patientID); err != nil {
		return err
	}
	out := make([]person, 0, len(team))
	for _, m := range team {
		out = append(out, person{ID: m.ClinicianID, DisplayName: m.DisplayName, Role: string(account.RoleClinician)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out})
	return nil
}

type breakGlassRequest struct {
	Reason  string `json:"reason"`
	Minutes int    `json:"minutes"`
}

type breakGlassResponse struct {
	PatientID int64     `json:"patient_id"`
	Until     time.Time `json:"until"`
}

// handleBreakGlass opens time-limited emergency access to a patient's data
// for a staff member, with a stated reason the patient will see. minutes 0
// means the default (1 hour).
func (s *Server) handleBreakGlass(w http.ResponseWriter, r *http.Request, u User) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in breakGlassRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	// Out-of-range values are passed as just too long, so the account
	// service gives its one message for the allowed range.
	d := time.Duration(min(max(in.Minutes, -1), 24*60)) * time.Minute
	g, err := s.deps.Accounts.BreakGlass(r.Context(), u.Actor, patientID, in.Reason, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, breakGlassResponse{PatientID: patientID, Until: g.Until})
	return nil
}

// auditRead records that u read patientID's data through this request. A
// patient reading their own data is not recorded. A failure to record
// refuses the read: nothing is served unaudited.
func (s *Server) auditRead(r *http.Request, u User, action string, patientID int64) error {
	if u.ID == patientID {
		return nil
	}
	ip, _ := netip.ParseAddr(u.Actor.IP)
	return s.deps.AccessLog.Record(r.Context(), audit.Entry{
		ActorID: u.ID, ActorRole: string(u.Role), Action: action, PatientID: patientID,
		Target: "patient:" + strconv.FormatInt(patientID, 10), Outcome: audit.OK, ClientIP: ip, UserAgent: r.UserAgent(),
	})
}
