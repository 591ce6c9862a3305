package signaling

import (
	"net/http"
	"time"
)

// Identity is who a connection belongs to, as established at the upgrade.
type Identity struct {
	UserID    int64  // the users.id of the signed-in user; always > 0
	Role      string // "patient", "clinician", "counselor" or "admin"
	SessionID string // an opaque id of the session (never the token), for CloseSession
	// ExpiresAt, when set, is when the session ends regardless of activity;
	// the hub closes the connection with CloseUnauthenticated at that time.
	ExpiresAt time.Time
}

// Authenticator establishes the Identity of an upgrade request (from its
// session cookie, typically). It is defined here and adapted by the caller
// from portal/account.
//
// Authenticate returns a *fault.Error (or wraps one) on failure: Unauthenticated
// becomes HTTP 401, Forbidden 403, TooMany 429, Unavailable 503, anything else
// 500. It must not write to the request's response.
type Authenticator interface {
	Authenticate(r *http.Request) (Identity, error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(r *http.Request) (Identity, error)

// Authenticate calls f(r).
func (f AuthenticatorFunc) Authenticate(r *http.Request) (Identity, error) { return f(r) }
