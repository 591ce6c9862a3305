package meds

import "haven/portal/fault"

// Access errors.
var (
	ErrCareTeamOnly   = fault.New(fault.Forbidden, "Only the care team can change the medication list.")
	ErrPatientOnly    = fault.New(fault.Forbidden, "Only the patient can do this.")
	ErrPrescriberOnly = fault.New(fault.Forbidden, "Only the prescribing clinician can answer this refill request.")
)

// Not found and state errors.
var (
	ErrNoMedication   = fault.New(fault.NotFound, "No such medication.")
	ErrNoRefill       = fault.New(fault.NotFound, "No such refill request.")
	ErrRefillPending  = fault.New(fault.Conflict, "A refill request for this medication is already waiting for an answer.")
	ErrRefillAnswered = fault.New(fault.Conflict, "This refill request was already answered.")
	ErrStopped        = fault.New(fault.Conflict, "This medication has been stopped.")
	ErrNoTimes        = fault.New(fault.Invalid, "This medication has no dose times to remind you of. Ask your care team to add them.")
)

// Input errors.
var (
	ErrName            = fault.New(fault.Invalid, "Enter the medication's name, 1 to 200 characters.")
	ErrDose            = fault.New(fault.Invalid, "Enter the dose, 1 to 100 characters.")
	ErrInstructions    = fault.New(fault.Invalid, "Keep the instructions under 1000 characters, without special characters.")
	ErrNote            = fault.New(fault.Invalid, "Keep the note under 1000 characters, without special characters.")
	ErrTimes           = fault.New(fault.Invalid, "Give up to 24 dose times a day, each written HH:MM from 00:00 to 23:59.")
	ErrZone            = fault.New(fault.Invalid, "Choose a valid time zone, such as America/New_York.")
	ErrDate            = fault.New(fault.Invalid, "Dates must be written YYYY-MM-DD.")
	ErrStopBeforeStart = fault.New(fault.Invalid, "The stop date must not be before the start date.")
	ErrPrescriber      = fault.New(fault.Invalid, "The prescriber must be a clinician on the patient's care team.")
	ErrDoseStatus      = fault.New(fault.Invalid, "Record a dose as taken or skipped.")
	ErrDoseTime        = fault.New(fault.Invalid, "That is not one of this medication's dose times.")
	ErrDoseDay         = fault.New(fault.Invalid, "Doses can be recorded for the last 30 days while the medication is taken, not ahead of time.")
	ErrDays            = fault.New(fault.Invalid, "Choose between 1 and 90 days.")
)
