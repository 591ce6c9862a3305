package signaling

import (
	"net/http"

	"github.com/coder/websocket"

	"haven/portal/fault"
)

// Close codes the hub uses (PROTOCOL.md, "Close codes").
const (
	CloseNormal          = websocket.StatusNormalClosure   // 1000: the client or server ended the session
	CloseGoingAway       = websocket.StatusGoingAway       // 1001: the server is shutting down; reconnect elsewhere
	CloseUnsupportedData = websocket.StatusUnsupportedData // 1003: a binary frame was sent
	ClosePolicyViolation = websocket.StatusPolicyViolation // 1008: repeated malformed frames, or no hello in time
	CloseTooBig          = websocket.StatusMessageTooBig   // 1009: a frame exceeded the read limit
	CloseInternal        = websocket.StatusInternalError   // 1011: a server fault
	CloseUnauthenticated = websocket.StatusCode(4001)      // the session ended or expired; sign in again
	CloseForbidden       = websocket.StatusCode(4003)      // the session may no longer use this connection
	CloseSlowConsumer    = websocket.StatusCode(4008)      // the client fell behind; reconnect and resume
	CloseRateLimited     = websocket.StatusCode(4029)      // the client kept exceeding the rate limit
)

// Wire error codes the hub itself emits, besides those mapped from fault codes.
const (
	CodeBadFrame      = "bad_frame"      // not a valid envelope
	CodeUnknownType   = "unknown_type"   // no handler for the frame type
	CodeHelloRequired = "hello_required" // a frame other than hello/ping before the first hello
	CodeRateLimited   = "rate_limited"   // over the rate limit; the frame was dropped
)

// wireCodes maps fault codes to wire error codes and HTTP statuses: the one
// table from the error model to the edges of this package.
var wireCodes = [...]struct {
	wire   string
	status int
}{
	fault.Internal:        {"internal", http.StatusInternalServerError},
	fault.Invalid:         {"invalid", http.StatusBadRequest},
	fault.Unauthenticated: {"unauthenticated", http.StatusUnauthorized},
	fault.Forbidden:       {"forbidden", http.StatusForbidden},
	fault.NotFound:        {"not_found", http.StatusNotFound},
	fault.Conflict:        {"conflict", http.StatusConflict},
	fault.TooMany:         {CodeRateLimited, http.StatusTooManyRequests},
	fault.TooLarge:        {"too_large", http.StatusRequestEntityTooLarge},
	fault.Unavailable:     {"unavailable", http.StatusServiceUnavailable},
}

// wireError converts a handler error into the error member of a frame. Only
// the user-safe message leaves the server; the cause is for the log.
func wireError(err error) WireError {
	c := fault.CodeOf(err)
	if int(c) >= len(wireCodes) {
		c = fault.Internal
	}
	return WireError{
		Code:         wireCodes[c].wire,
		Message:      fault.MessageOf(err),
		RetryAfterMS: fault.RetryAfterOf(err).Milliseconds(),
	}
}

// httpStatus returns the HTTP status for an error before the upgrade.
func httpStatus(err error) int {
	c := fault.CodeOf(err)
	if int(c) >= len(wireCodes) {
		return http.StatusInternalServerError
	}
	return wireCodes[c].status
}
