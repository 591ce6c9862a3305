package measures

import "haven/portal/fault"

// Input errors. Messages name fields and limits, never answers.
var (
	ErrUnknownInstrument = fault.New(fault.Invalid, "Unknown questionnaire.")
	ErrIncomplete        = fault.New(fault.Invalid, "Answer every question before submitting.")
	ErrBadAnswer         = fault.New(fault.Invalid, "An answer is not one of the question's options.")
	ErrUnaskedAnswer     = fault.New(fault.Invalid, "An answer was given to a question that does not apply.")
	ErrVersion           = fault.New(fault.Conflict, "This questionnaire has been updated. Reload it and answer again.")
	ErrBadZone           = fault.New(fault.Invalid, "Unknown time zone.")
	ErrBadDue            = fault.New(fault.Invalid, "Choose a due time within the next two years.")
	ErrBadEvery          = fault.New(fault.Invalid, "Repeat every 1 to 365 days, or not at all.")
	ErrPreVisitRepeat    = fault.New(fault.Invalid, "A pre-visit questionnaire is asked once.")
	ErrBadAppointment    = fault.New(fault.Invalid, "Unknown appointment.")
	ErrBadMood           = fault.New(fault.Invalid, "Rate your mood from 1 to 10.")
	ErrNoteTooLong       = fault.New(fault.TooLarge, "Keep the note under 2000 characters.")
	ErrBadNote           = fault.New(fault.Invalid, "The note contains characters that cannot be saved.")
	ErrBadRange          = fault.New(fault.Invalid, "Choose a start before the end.")
)

// State and access errors.
var (
	ErrNoAssignment     = fault.New(fault.NotFound, "No such questionnaire assignment.")
	ErrAssignmentClosed = fault.New(fault.Conflict, "This questionnaire is no longer due.")
	ErrAppointmentTaken = fault.New(fault.Conflict, "That appointment belongs to another patient.")
	ErrNoResponse       = fault.New(fault.NotFound, "No such questionnaire response.")
	ErrCareTeamOnly     = fault.New(fault.Forbidden, "Only the patient's clinicians can do this.")
	ErrPatientOnly      = fault.New(fault.Forbidden, "Only the patient can do this.")
	ErrNotRespondent    = fault.New(fault.Forbidden, "Only the patient or their clinicians can complete this questionnaire.")
)

// ErrWrongInstrument means a response names an assignment of another
// instrument.
var ErrWrongInstrument = fault.New(fault.Invalid, "This questionnaire is not the one that was assigned.")
