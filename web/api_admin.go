package web

import (
	"net/http"
	"time"

	"haven/portal/account"
)

type userEntry struct {
	ID          int64     `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	Role        string    `json:"role"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
}

func userOf(a account.Account) userEntry {
	return userEntry{ID: a.ID, Email: a.Email, DisplayName: a.DisplayName, Role: string(a.Role), Disabled: a.Disabled, CreatedAt: a.CreatedAt}
}

// handleListUsers lists every account for an admin.
func (s *Server) handleListUsers(w http.ResponseWriter, r *http.Request, u User) error {
	list, err := s.deps.Accounts.ListAccounts(r.Context(), u.Actor)
	if err != nil {
		return err
	}
	out := make([]userEntry, 0, len(list))
	for _, a := range list {
		out = append(out, userOf(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

type createUserRequest struct {
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	Password    string `json:"password"`
}

// handleCreateUser creates an account of any role with a first password.
func (s *Server) handleCreateUser(w http.ResponseWriter, r *http.Request, u User) error {
	var in createUserRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	a, err := s.deps.Accounts.CreateAccount(r.Context(), u.Actor, account.NewAccount{
		Role: account.Role(in.Role), Email: in.Email, DisplayName: in.DisplayName, Password: in.Password})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, userOf(a))
	return nil
}

// handleDisableUser disables an account and ends its sessions.
func (s *Server) handleDisableUser(w http.ResponseWriter, r *http.Request, u User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.cfg.BodyLimit); err != nil {
		return err
	}
	if id == u.ID {
		return errDisableSelf
	}
	if err := s.deps.Accounts.Disable(r.Context(), u.Actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
