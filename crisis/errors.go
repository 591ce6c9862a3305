package crisis

import "haven/portal/fault"

// The errors crisis returns, matched with errors.Is. Messages are safe to show.
var (
	ErrNotFound     = fault.New(fault.NotFound, "No such crisis request")
	ErrTaken        = fault.New(fault.Conflict, "Another counselor has already taken this")
	ErrResolved     = fault.New(fault.Conflict, "This crisis request is already resolved")
	ErrNotClaimed   = fault.New(fault.Conflict, "Take this crisis request first")
	ErrNotOffered   = fault.New(fault.Forbidden, "This crisis request was not offered to you")
	ErrNotYours     = fault.New(fault.Forbidden, "Only the counselor who took this crisis request can do that")
	ErrNoOpen       = fault.New(fault.NotFound, "There is no open crisis request")
	ErrNoLocation   = fault.New(fault.NotFound, "No location was shared")
	ErrConversation = fault.New(fault.Unavailable, "The crisis conversation could not be opened; try again")
)
