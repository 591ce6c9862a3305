package web

import "haven/portal/fault"

// Errors raised by the edge itself.
var (
	errCrossOrigin = fault.New(fault.Forbidden, "This request came from another site and was refused.")
	errRole        = fault.New(fault.Forbidden, "Your role does not allow this.")
	errNoEndpoint  = fault.New(fault.NotFound, "There is no such API endpoint.")
	errMethod      = fault.New(fault.Invalid, "This API endpoint does not accept that method.")
	errBadID       = fault.New(fault.Invalid, "The id in the address must be a positive whole number.")
	errCodeChoice  = fault.New(fault.Invalid, "Give either a code from your authenticator app or a recovery code.")
)

var errDisableSelf = fault.New(fault.Conflict, "You cannot disable your own account.")
