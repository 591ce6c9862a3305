package web

import (
	"net/http"
	"net/url"
)

type inviteRequest struct {
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
}

type inviteResponse struct {
	// Link is the one-time invitation link to send the patient. The token
	// travels in the fragment, which browsers never send to a server.
	Link string `json:"link"`
}

// handleInvite creates a one-time invitation for a new patient (admins and
// clinicians; a clinician's invitee joins their care team) and returns the
// link, which is shown to the inviter once.
func (s *Server) handleInvite(w http.ResponseWriter, r *http.Request, u User) error {
	var in inviteRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	token, err := s.deps.Accounts.Invite(r.Context(), u.Actor, in.Email, in.DisplayName)
	if err != nil {
		return err
	}
	link := url.URL{Scheme: s.cfg.PublicURL.Scheme, Host: s.cfg.PublicURL.Host, Path: "/invite", Fragment: token}
	writeJSON(w, http.StatusCreated, inviteResponse{Link: link.String()})
	return nil
}

type acceptRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// handleAcceptInvitation creates the invited patient's account with their
// chosen password; they then sign in. The token works once.
func (s *Server) handleAcceptInvitation(w http.ResponseWriter, r *http.Request) error {
	var in acceptRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	if _, err := s.deps.Accounts.AcceptInvitation(r.Context(), in.Token, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
