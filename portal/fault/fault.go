// Package fault is Haven's one error model. Domain packages return a *Error
// (or wrap one with %w); the edges (web for HTTP, signaling for WebSocket
// frames) map its Code to a status. The Message is safe to show a user; the
// wrapped cause is for logs only and never leaves the server.
package fault

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error for the edges. The zero value is Internal.
type Code int

// The codes, in the order of how often a user meets them.
const (
	Internal        Code = iota // a bug or an outage; the user sees "internal error"
	Invalid                     // bad input; the message says what is wrong
	Unauthenticated             // not signed in, or the session ended
	Forbidden                   // signed in, but not allowed
	NotFound                    // no such thing, or not visible to this user
	Conflict                    // the state changed; retry may succeed
	TooMany                     // rate limited or locked; RetryAfter says when
	TooLarge                    // the input exceeds a size limit
	Unavailable                 // a dependency is down; retry later
)

var codeNames = [...]string{"internal", "invalid", "unauthenticated", "forbidden", "not_found", "conflict", "too_many", "too_large", "unavailable"}

// String returns the stable wire name of the code ("not_found", …).
func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "internal"
}

// Error is a classified error with a user-safe message.
type Error struct {
	Code       Code
	Message    string        // shown to the user; never contains health information or internals
	RetryAfter time.Duration // for TooMany and Unavailable: when to try again (0: unknown)
	Cause      error         // for logs only
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Message + ": " + e.Cause.Error()
	}
	return e.Message
}

// Unwrap returns the cause, so errors.Is sees through an Error.
func (e *Error) Unwrap() error { return e.Cause }

// Is reports whether target is an *Error with the same code and message, so
// package-level sentinels made with New match with errors.Is.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == e.Message
}

// New returns an *Error with the code and user-safe message.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Invalidf returns an Invalid error whose message is formatted; the arguments
// must be safe to show (field names, limits), never user-supplied content.
func Invalidf(format string, args ...any) *Error {
	return &Error{Code: Invalid, Message: fmt.Sprintf(format, args...)}
}

// Wrap attaches a cause (for logs) to a copy of e.
func Wrap(e *Error, cause error) *Error {
	c := *e
	c.Cause = cause
	return &c
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-safe message of err: the message of its *Error,
// or "internal error" when err is unclassified.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "internal error"
}

// RetryAfterOf returns the RetryAfter of the first *Error in err's chain.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
