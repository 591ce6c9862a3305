package visits

import "haven/portal/fault"

// Booking errors.
var (
	ErrSlotTaken     = fault.New(fault.Conflict, "That time was just taken by someone else. Please choose another time.")
	ErrPatientBusy   = fault.New(fault.Conflict, "There is already a visit booked for you at that time.")
	ErrNotASlot      = fault.New(fault.Invalid, "That time is not one of the clinician's open times. Please choose a time from the list.")
	ErrNotOnTeam     = fault.New(fault.Forbidden, "You can book visits only with clinicians on your care team.")
	ErrTooSoon       = fault.New(fault.Invalid, "That time is too soon to book online. Please call the clinic or send your care team a message.")
	ErrTooLate       = fault.New(fault.Invalid, "This visit starts too soon to change online. Please call the clinic or send your care team a message.")
	ErrInPast        = fault.New(fault.Invalid, "That time has already passed.")
	ErrTooFar        = fault.New(fault.Invalid, "Visits can be booked up to a year ahead.")
	ErrNotBooked     = fault.New(fault.Conflict, "This visit is no longer booked.")
	ErrNoAppointment = fault.New(fault.NotFound, "No such visit.")
)

// Waitlist errors.
var (
	ErrOnWaitlist   = fault.New(fault.Conflict, "You are already on this clinician's waitlist.")
	ErrNoWaitlist   = fault.New(fault.NotFound, "No such waitlist entry.")
	ErrNoOffer      = fault.New(fault.NotFound, "No such offer.")
	ErrOfferExpired = fault.New(fault.Conflict, "This offer has expired. The time was offered to the next person on the waitlist.")
	ErrOfferClosed  = fault.New(fault.Conflict, "This offer is no longer open.")
)

// Video errors.
var (
	ErrNotVideo    = fault.New(fault.Invalid, "This visit is not a video visit.")
	ErrRoomNotOpen = fault.New(fault.Conflict, "The waiting room is not open yet. It opens 10 minutes before the visit.")
	ErrRoomClosed  = fault.New(fault.Conflict, "This visit has ended.")
)

// Input errors.
var (
	ErrZone           = fault.New(fault.Invalid, "Choose a valid time zone, such as America/New_York.")
	ErrClock          = fault.New(fault.Invalid, "Times of day must be written HH:MM, from 00:00 to 23:59.")
	ErrDate           = fault.New(fault.Invalid, "Dates must be written YYYY-MM-DD.")
	ErrEndBeforeStart = fault.New(fault.Invalid, "The end must be after the start.")
	ErrWeekday        = fault.New(fault.Invalid, "Choose a weekday.")
	ErrTooManyRules   = fault.New(fault.Invalid, "Too many availability entries (at most 100 weekly hours and 500 exceptions).")
	ErrExceptionKind  = fault.New(fault.Invalid, "An exception is a day off or extra hours.")
	ErrTypeName       = fault.New(fault.Invalid, "Give the visit type a name of 1 to 100 characters.")
	ErrTypeMinutes    = fault.New(fault.Invalid, "A visit lasts between 5 and 480 minutes.")
	ErrModality       = fault.New(fault.Invalid, "Choose video or in person.")
	ErrNoVisitType    = fault.New(fault.NotFound, "No such visit type for this clinician.")
	ErrRange          = fault.New(fault.Invalid, "Choose a date range of at most 62 days, with the end after the start.")
	ErrNoSchedule     = fault.New(fault.NotFound, "This clinician has not published any availability.")
)
