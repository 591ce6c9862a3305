package web

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"

	"haven/portal/fault"
)

// faultStatus is THE table from the error model to HTTP statuses. A code
// missing here is served as 500.
var faultStatus = map[fault.Code]int{
	fault.Invalid:         http.StatusBadRequest,
	fault.Unauthenticated: http.StatusUnauthorized,
	fault.Forbidden:       http.StatusForbidden,
	fault.NotFound:        http.StatusNotFound,
	fault.Conflict:        http.StatusConflict,
	fault.TooMany:         http.StatusTooManyRequests,
	fault.TooLarge:        http.StatusRequestEntityTooLarge,
	fault.Unavailable:     http.StatusServiceUnavailable,
	fault.Internal:        http.StatusInternalServerError,
}

// statusOf returns the HTTP status for err: an edge-only status when err
// carries one (415 for a wrong Content-Type), else the table's entry for
// its fault code.
func statusOf(err error) int {
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	if st, ok := faultStatus[fault.CodeOf(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// statusError is a fault with a status the table cannot express, such as
// 415 Unsupported Media Type (code "invalid").
type statusError struct {
	status int
	err    *fault.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// errPanic is what a recovered panic is reported as: unclassified, so the
// user sees "internal error".
var errPanic = errors.New("handler panicked")

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers with err's status and user-safe message. Server-side
// failures (5xx) are logged with their cause and the request's ids; the
// user sees "internal error". TooMany and Unavailable errors carrying a
// RetryAfter set the Retry-After header in whole seconds, rounded up.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	code := fault.CodeOf(err)
	if status >= 500 {
		s.log.Error("request failed", append(logAttrs(r), "status", status, "err", err)...)
	}
	if d := fault.RetryAfterOf(err); d > 0 && (code == fault.TooMany || code == fault.Unavailable) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code.String(), Message: fault.MessageOf(err)}})
}

// writeJSON writes v as the JSON response body with the given status. API
// responses are never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}
