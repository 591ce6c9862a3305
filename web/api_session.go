package web

import (
	"errors"
	"net/http"

	"haven/portal/account"
)

// sessionState is the answer of the session endpoints: how far sign-in has
// got, and the idle limit the UI watches.
type sessionState struct {
	SignedIn    bool   `json:"signed_in"`
	MFA         string `json:"mfa,omitempty"`
	IdleSeconds int    `json:"idle_seconds,omitempty"`
}

func (s *Server) stateOf(st account.MFAState) sessionState {
	return sessionState{SignedIn: true, MFA: string(st), IdleSeconds: int(s.cfg.SessionIdle.Seconds())}
}

// handleSessionGet reports the session's state. Without a cookie it is
// {"signed_in":false}; a session that ended is 401 saying why (and the
// cookie is cleared), so the UI can tell the user.
func (s *Server) handleSessionGet(w http.ResponseWriter, r *http.Request) error {
	if sessionToken(r) == "" {
		writeJSON(w, http.StatusOK, sessionState{})
		return nil
	}
	_, err := s.Authenticate(r)
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, s.stateOf(account.StateFull))
	case errors.Is(err, account.ErrMFARequired):
		writeJSON(w, http.StatusOK, s.stateOf(account.StateMFARequired))
	case errors.Is(err, account.ErrEnrollmentRequired):
		writeJSON(w, http.StatusOK, s.stateOf(account.StateEnrollmentRequired))
	default:
		s.refuseSession(w, r, err)
	}
	return nil
}

type signInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// handleSignIn checks email and password, sets the session cookie and says
// what comes next (mfa: full, mfa_required or enrollment_required). A
// session the browser already had is ended first.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) error {
	var in signInRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	if old := sessionToken(r); old != "" {
		if err := s.deps.Accounts.SignOut(r.Context(), old); err != nil {
			return err
		}
	}
	res, err := s.deps.Accounts.SignIn(r.Context(), in.Email, in.Password, s.clientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	if info := infoOf(r.Context()); info != nil {
		info.userID = res.Session.UserID
	}
	s.cookie.set(w, res.Token)
	writeJSON(w, http.StatusOK, s.stateOf(res.Session.State))
	return nil
}

type mfaRequest struct {
	Code         string `json:"code"`
	RecoveryCode string `json:"recovery_code"`
}

// handleCompleteMFA finishes signing in with a TOTP code or a recovery
// code (exactly one of them).
func (s *Server) handleCompleteMFA(w http.ResponseWriter, r *http.Request) error {
	var in mfaRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	code := in.Code
	if (in.Code == "") == (in.RecoveryCode == "") {
		return errCodeChoice
	}
	if code == "" {
		code = in.RecoveryCode
	}
	token := sessionToken(r)
	if token == "" {
		return account.ErrNoSession
	}
	sess, err := s.deps.Accounts.CompleteMFA(r.Context(), token, code, s.clientIP(r), r.UserAgent())
	if err != nil {
		s.refuseMFA(w, r, err)
		return nil
	}
	if info := infoOf(r.Context()); info != nil {
		info.userID = sess.UserID
	}
	writeJSON(w, http.StatusOK, s.stateOf(sess.State))
	return nil
}

// refuseMFA answers a failed MFA step: session errors as for any session
// (cookie cleared when it ended), others as they are.
func (s *Server) refuseMFA(w http.ResponseWriter, r *http.Request, err error) {
	s.refuseSession(w, r, s.explainSession(err))
}

// handleSignOut ends the browser's session, in whatever state, and clears
// the cookie. Without a session it succeeds too.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) error {
	if err := decodeEmpty(w, r, s.cfg.BodyLimit); err != nil {
		return err
	}
	if token := sessionToken(r); token != "" {
		if err := s.deps.Accounts.SignOut(r.Context(), token); err != nil {
			return err
		}
	}
	s.cookie.clear(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleSignOutEverywhere ends every session of the signed-in user.
func (s *Server) handleSignOutEverywhere(w http.ResponseWriter, r *http.Request, u User) error {
	if err := decodeEmpty(w, r, s.cfg.BodyLimit); err != nil {
		return err
	}
	if err := s.deps.Accounts.SignOutEverywhere(r.Context(), u.ID); err != nil {
		return err
	}
	s.cookie.clear(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
