package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"haven/portal/account"
)

// person is how the API shows an account to someone else: no email.
type person struct {
	ID          int64  `json:"id"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
}

type meResponse struct {
	ID          int64  `json:"id"`
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
}

// handleMe returns the signed-in user's own account.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, u User) error {
	a, err := s.deps.Accounts.Account(r.Context(), u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meResponse{ID: a.ID, Email: a.Email, DisplayName: a.DisplayName, Role: string(a.Role)})
	return nil
}

// handleMyPatients lists a clinician's patients (those whose care team
// they are on), by name.
func (s *Server) handleMyPatients(w http.ResponseWriter, r *http.Request, u User) error {
	list, err := s.deps.Accounts.PatientsOf(r.Context(), u.ID)
	if err != nil {
		return err
	}
	out := make([]person, 0, len(list))
	for _, a := range list {
		if !a.Disabled {
			out = append(out, person{ID: a.ID, DisplayName: a.DisplayName, Role: string(a.Role)})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"patients": out})
	return nil
}

// accessLogLimit is how many accesses the patient's page shows.
const accessLogLimit = 100

type viewEntry struct {
	Who     person    `json:"who"`
	Action  string    `json:"action"`
	Outcome string    `json:"outcome"`
	At      time.Time `json:"at"`
}

type breakGlassEntry struct {
	Who       person     `json:"who"`
	Reason    string     `json:"reason"`
	OpenedAt  time.Time  `json:"opened_at"`
	Until     time.Time  `json:"until"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// handleAccessLog shows a patient who accessed their record (newest first)
// and every break-glass access to it.
func (s *Server) handleAccessLog(w http.ResponseWriter, r *http.Request, u User) error {
	views, err := s.deps.AccessLog.ViewsOf(r.Context(), u.ID, accessLogLimit)
	if err != nil {
		return err
	}
	grants, err := s.deps.Accounts.BreakGlassesOf(r.Context(), u.ID)
	if err != nil {
		return err
	}
	out := struct {
		Views      []viewEntry       `json:"views"`
		BreakGlass []breakGlassEntry `json:"break_glass"`
	}{Views: make([]viewEntry, 0, len(views)), BreakGlass: make([]breakGlassEntry, 0, len(grants))}
	names := map[int64]string{}
	for _, v := range views {
		who := person{ID: v.ActorID, Role: v.ActorRole}
		if who.DisplayName, err = s.nameOf(r.Context(), names, v.ActorID); err != nil {
			return err
		}
		out.Views = append(out.Views, viewEntry{Who: who, Action: v.Action, Outcome: string(v.Outcome), At: v.At})
	}
	for _, g := range grants {
		out.BreakGlass = append(out.BreakGlass, breakGlassEntry{Who: person{ID: g.UserID, DisplayName: g.Name, Role: string(g.Role)},
			Reason: g.Reason, OpenedAt: g.OpenedAt, Until: g.Until, RevokedAt: g.RevokedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// nameOf returns the display name of user id, memoized in names; "" for
// id 0 (anonymous) or an account that no longer exists.
func (s *Server) nameOf(ctx context.Context, names map[int64]string, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	if n, ok := names[id]; ok {
		return n, nil
	}
	a, err := s.deps.Accounts.Account(ctx, id)
	if err != nil && !errors.Is(err, account.ErrNoAccount) {
		return "", err
	}
	names[id] = a.DisplayName
	return a.DisplayName, nil
}

// staff are the clinic roles.
var staff = []account.Role{account.RoleClinician, account.RoleCounselor, account.RoleAdmin}
