package media

import (
	"time"

	"haven/portal/fault"
)

// The errors of the package, matched with errors.Is. Their messages are safe
// to show a user.
var (
	// ErrAtCapacity refuses a join when the node's forwarding budget
	// (Config.MaxStreams, Config.MaxPacketRate) would be exceeded.
	ErrAtCapacity = &fault.Error{
		Code:       fault.Unavailable,
		Message:    "The video service is at capacity. Please try again in a few minutes.",
		RetryAfter: 2 * time.Minute,
	}
	// ErrRoomFull refuses a join past Config.MaxParticipants.
	ErrRoomFull = fault.New(fault.Conflict, "This video visit is full.")
	// ErrRoomClosed is returned by every Room method after Close.
	ErrRoomClosed = fault.New(fault.Conflict, "This video visit has ended.")
	// ErrNoRoom is returned by SFU.Room for an id that is not open here.
	ErrNoRoom = fault.New(fault.NotFound, "This video visit is not open.")
	// ErrNoParticipant names a participant that is not in the room.
	ErrNoParticipant = fault.New(fault.NotFound, "That person is not in this video visit.")
	// ErrNotAdmitted refuses a guest's join in a room with a waiting room
	// until a host admits them.
	ErrNotAdmitted = fault.New(fault.Forbidden, "Please wait: your clinician will let you in.")
	// ErrLeft is returned by Participant methods after the participant left
	// or was removed.
	ErrLeft = fault.New(fault.Conflict, "You are no longer in this video visit.")
	// ErrBadSDP rejects an offer or answer the SFU cannot use.
	ErrBadSDP = fault.New(fault.Invalid, "The video connection could not be negotiated.")
	// ErrBadCandidate rejects an ICE candidate the connection cannot use.
	ErrBadCandidate = fault.New(fault.Invalid, "The network candidate could not be used.")
	// ErrBadFrame rejects a media frame whose data is malformed.
	ErrBadFrame = fault.New(fault.Invalid, "malformed media frame")
	// ErrFrameTooLarge rejects a media frame over its size limit.
	ErrFrameTooLarge = fault.New(fault.TooLarge, "media frame too large")
	// ErrNoTURN is returned by SFU.TURNCredentials when TURN is not configured.
	ErrNoTURN = fault.New(fault.NotFound, "No relay server is configured.")
	// ErrClosed is returned after SFU.Close.
	ErrClosed = fault.New(fault.Unavailable, "The video service is shutting down.")
)
