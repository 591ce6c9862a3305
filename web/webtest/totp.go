package webtest

import (
	"time"

	"haven/portal/account"
)

// TOTP returns the 6-digit RFC 6238 code for a base32 secret at time at, as
// an authenticator app computes it (account.TOTPCode). Spaces and padding in
// the secret are ignored; a malformed secret is an error.
func TOTP(secret string, at time.Time) (string, error) {
	return account.TOTPCode(secret, at)
}
