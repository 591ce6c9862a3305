package fhir

import (
	"errors"
	"net/http"

	"haven/portal/fault"
)

// Errors of the API itself. Their messages name parameters and types, never
// user-supplied values.
var (
	ErrNotFound      = fault.New(fault.NotFound, "No such resource.")
	ErrUnknownType   = fault.New(fault.NotFound, "This server does not serve that resource type.")
	ErrUnknownRoute  = fault.New(fault.NotFound, "No such FHIR endpoint.")
	ErrBadID         = fault.New(fault.Invalid, "The resource id is not valid.")
	ErrBadPatient    = fault.New(fault.Invalid, "The patient parameter must be a patient id, such as 42 or Patient/42.")
	ErrNeedPatient   = fault.New(fault.Invalid, "Searches need the patient parameter.")
	ErrUnknownParam  = fault.New(fault.Invalid, "The request has a parameter this server does not support.")
	ErrRepeatedParam = fault.New(fault.Invalid, "A parameter is given more than once.")
	ErrBadElements   = fault.New(fault.Invalid, "_elements must be a comma-separated list of element names.")
	ErrBadFormat     = fault.New(fault.Invalid, "Only JSON is served (_format=json).")
	ErrSignIn        = fault.New(fault.Unauthenticated, "Please sign in.")
	ErrMethod        = fault.New(fault.Invalid, "This FHIR server is read-only: only GET is allowed.")
	ErrBadQuery      = fault.New(fault.Invalid, "The query string is malformed.")
)

// statusOf maps an error to its HTTP status and OperationOutcome issue code.
func statusOf(err error) (int, string) {
	if errors.Is(err, ErrMethod) {
		return http.StatusMethodNotAllowed, "not-supported"
	}
	if errors.Is(err, ErrUnknownType) || errors.Is(err, ErrUnknownRoute) {
		return http.StatusNotFound, "not-supported"
	}
	switch fault.CodeOf(err) {
	case fault.Invalid:
		return http.StatusBadRequest, "invalid"
	case fault.Unauthenticated:
		return http.StatusUnauthorized, "login"
	case fault.Forbidden:
		return http.StatusForbidden, "forbidden"
	case fault.NotFound:
		return http.StatusNotFound, "not-found"
	case fault.Conflict:
		return http.StatusConflict, "conflict"
	case fault.TooMany:
		return http.StatusTooManyRequests, "throttled"
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge, "too-long"
	case fault.Unavailable:
		return http.StatusServiceUnavailable, "transient"
	}
	return http.StatusInternalServerError, "exception"
}

type operationOutcome struct {
	ResourceType string  `json:"resourceType"`
	Issue        []issue `json:"issue"`
}

type issue struct {
	Severity    string `json:"severity"`
	Code        string `json:"code"`
	Diagnostics string `json:"diagnostics,omitempty"`
}

// outcomeOf is the OperationOutcome of err: its user-safe message only.
func outcomeOf(err error) (int, operationOutcome) {
	status, code := statusOf(err)
	return status, operationOutcome{ResourceType: "OperationOutcome",
		Issue: []issue{{Severity: "error", Code: code, Diagnostics: fault.MessageOf(err)}}}
}
