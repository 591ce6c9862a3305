package web

import (
	"net/http"

	"haven/portal/account"
)

type enrollResponse struct {
	Secret string `json:"secret"` // base32, for typing into an authenticator app
	URI    string `json:"uri"`    // otpauth:// URI, for an app on the same device or a QR code
}

// handleEnroll starts TOTP enrollment for a session awaiting it (staff) or
// a fully signed-in one (a patient choosing MFA). The secret is shown once.
func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request) error {
	if err := decodeEmpty(w, r, s.cfg.BodyLimit); err != nil {
		return err
	}
	token := sessionToken(r)
	if token == "" {
		return account.ErrNoSession
	}
	e, err := s.deps.Accounts.BeginEnrollment(r.Context(), token)
	if err != nil {
		s.refuseMFA(w, r, err)
		return nil
	}
	writeJSON(w, http.StatusOK, enrollResponse{Secret: e.Secret, URI: e.URI})
	return nil
}

type confirmRequest struct {
	Code string `json:"code"`
}

type confirmResponse struct {
	sessionState
	RecoveryCodes []string `json:"recovery_codes"`
}

// handleConfirmEnrollment activates TOTP with a first code and returns the
// recovery codes, which are never shown again. The session is then full.
func (s *Server) handleConfirmEnrollment(w http.ResponseWriter, r *http.Request) error {
	var in confirmRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	token := sessionToken(r)
	if token == "" {
		return account.ErrNoSession
	}
	codes, err := s.deps.Accounts.ConfirmEnrollment(r.Context(), token, in.Code, s.clientIP(r), r.UserAgent())
	if err != nil {
		s.refuseMFA(w, r, err)
		return nil
	}
	writeJSON(w, http.StatusOK, confirmResponse{sessionState: s.stateOf(account.StateFull), RecoveryCodes: codes})
	return nil
}
