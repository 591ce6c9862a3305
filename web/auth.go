package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"haven/portal/account"
	"haven/portal/fault"
)

// User is the signed-in user of a request, as resolved from its session.
type User struct {
	ID        int64
	Role      account.Role
	SessionID string        // safe to log; not usable to sign in
	Actor     account.Actor // id, role, client address and user agent: for Authorize and the audit log
}

type userKey struct{}

// CurrentUser returns the user RequireUser resolved for r, and false when r
// did not pass through RequireUser.
func CurrentUser(r *http.Request) (User, bool) {
	u, ok := r.Context().Value(userKey{}).(User)
	return u, ok
}

// Authenticate resolves the request's session cookie to a fully signed-in
// user. Errors are fault.Unauthenticated, with a message saying why the
// session ended when it did ("Your session ended after 15 minutes without
// activity…"), or another account error.
func (s *Server) Authenticate(r *http.Request) (User, error) {
	token := sessionToken(r)
	if token == "" {
		return User{}, account.ErrNoSession
	}
	sess, err := s.deps.Accounts.Authenticate(r.Context(), token)
	if err != nil {
		return User{}, s.explainSession(err)
	}
	u := User{ID: sess.UserID, Role: sess.Role, SessionID: sess.ID,
		Actor: sess.Actor(s.clientIP(r), r.UserAgent())}
	if info := infoOf(r.Context()); info != nil {
		info.userID = u.ID
	}
	return u, nil
}

// RequireUser passes only requests with a fully signed-in session (the
// second factor done), making the user available to h through CurrentUser.
// Others get 401 with the reason; the cookie of an ended session is cleared.
func (s *Server) RequireUser(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.Authenticate(r)
		if err != nil {
			s.refuseSession(w, r, err)
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	})
}

// refuseSession answers a failed session lookup, clearing the cookie when
// the session is over (not when it is only waiting for its second factor).
func (s *Server) refuseSession(w http.ResponseWriter, r *http.Request, err error) {
	if fault.CodeOf(err) == fault.Unauthenticated && !midSignIn(err) && sessionToken(r) != "" {
		s.cookie.clear(w)
	}
	s.writeError(w, r, err)
}

// midSignIn reports whether err says the session exists but still needs its
// second factor.
func midSignIn(err error) bool {
	return errors.Is(err, account.ErrMFARequired) || errors.Is(err, account.ErrEnrollmentRequired)
}

// explainSession rewrites the account's session-ended errors into messages
// naming the configured limits; the original stays in the chain.
func (s *Server) explainSession(err error) error {
	var msg string
	switch {
	case errors.Is(err, account.ErrSessionIdle):
		msg = fmt.Sprintf("Your session ended after %s without activity. Please sign in again.", spell(s.cfg.SessionIdle))
	case errors.Is(err, account.ErrSessionExpired):
		msg = fmt.Sprintf("Your session ended after %s. Please sign in again.", spell(s.cfg.SessionMax))
	case errors.Is(err, account.ErrSignedOut):
		msg = "You signed out."
	default:
		return err
	}
	return fault.Wrap(fault.New(fault.Unauthenticated, msg), err)
}

// spell writes a duration for people: "15 minutes", "12 hours", "1 hour 30 minutes".
func spell(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	h, m := int64(d/time.Hour), int64((d%time.Hour+time.Minute-1)/time.Minute)
	switch {
	case h > 0 && m > 0:
		return unit(h, "hour") + " " + unit(m, "minute")
	case h > 0:
		return unit(h, "hour")
	default:
		return unit(max(m, 1), "minute")
	}
}

// authed wraps an API handler that needs a full session; roles, when given,
// limit it to those roles (403 otherwise).
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, User) error, roles ...account.Role) http.Handler {
	return s.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := CurrentUser(r)
		if len(roles) > 0 && !slices.Contains(roles, u.Role) {
			s.writeError(w, r, errRole)
			return
		}
		if err := h(w, r, u); err != nil {
			s.writeError(w, r, err)
		}
	}))
}

// api wraps an API handler that needs no session.
func (s *Server) api(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}
