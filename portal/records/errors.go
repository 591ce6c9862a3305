package records

import "haven/portal/fault"

// Note errors.
var (
	ErrBadKind       = fault.New(fault.Invalid, "Choose a note type: progress, visit summary or psychotherapy.")
	ErrBadTitle      = fault.New(fault.Invalid, "Give the note a title of 1 to 200 characters.")
	ErrBadBody       = fault.New(fault.Invalid, "Write the note (up to 100,000 characters).")
	ErrBadException  = fault.New(fault.Invalid, "To withhold a note, choose the information-blocking exception that applies.")
	ErrPsychotherapy = fault.New(fault.Invalid, "Psychotherapy notes are never shared with the patient.")
	ErrNoNote        = fault.New(fault.NotFound, "No such note.")
	ErrText          = fault.New(fault.Invalid, "The text contains characters that cannot be saved.")
	ErrTooLong       = fault.New(fault.TooLarge, "The text is too long.")
	ErrCareTeamOnly  = fault.New(fault.Forbidden, "Only the patient's clinicians can do this.")
	ErrPatientOrTeam = fault.New(fault.Forbidden, "Only the patient or their clinicians can do this.")
	ErrStaffOnly     = fault.New(fault.Forbidden, "Only clinic staff can do this.")
)

// Treatment-plan errors.
var (
	ErrBadGoal     = fault.New(fault.Invalid, "Describe the goal in 1 to 1000 characters.")
	ErrBadStatus   = fault.New(fault.Invalid, "Choose a goal status: active, achieved or discontinued.")
	ErrBadTarget   = fault.New(fault.Invalid, "Choose a target date between 2000 and 2100.")
	ErrBadProgress = fault.New(fault.Invalid, "Describe the progress in 1 to 4000 characters.")
	ErrNoGoal      = fault.New(fault.NotFound, "No such goal.")
)

// Safety-plan errors.
var (
	ErrSafetyPlanChanged = fault.New(fault.Conflict, "The safety plan was changed by someone else. Reload it and make your changes again.")
	ErrEmptySafetyPlan   = fault.New(fault.Invalid, "Fill in at least one section of the safety plan.")
	ErrSafetyPlanEntries = fault.New(fault.Invalid, "Keep each section of the safety plan to 20 entries of up to 500 characters.")
	ErrBadContact        = fault.New(fault.Invalid, "Give each person a name of up to 100 characters and a valid phone number.")
	ErrNoVersion         = fault.New(fault.NotFound, "No such version of the safety plan.")
)

// Emergency-contact errors.
var (
	ErrBadName       = fault.New(fault.Invalid, "Give a name of 1 to 100 characters.")
	ErrBadRelation   = fault.New(fault.Invalid, "Keep the relationship under 50 characters.")
	ErrBadPhone      = fault.New(fault.Invalid, "Enter a phone number of 3 to 20 digits.")
	ErrTooManyPeople = fault.New(fault.Invalid, "A patient can have up to 10 emergency contacts.")
	ErrNoContact     = fault.New(fault.NotFound, "No such emergency contact.")
)

// Resource-library errors.
var (
	ErrBadResourceKind = fault.New(fault.Invalid, "Choose a resource type: article or exercise.")
	ErrBadResource     = fault.New(fault.Invalid, "Give the resource a title of 1 to 200 characters and a body or an https link.")
	ErrBadURL          = fault.New(fault.Invalid, "Use a full https:// link.")
	ErrNoResource      = fault.New(fault.NotFound, "No such resource.")
)
