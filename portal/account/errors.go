package account

import "haven/portal/fault"

// Sign-in and session errors. ErrLocked and ErrAddrLimited are causes: the
// returned error carries a message saying when to try again and RetryAfter,
// and matches them with errors.Is.
var (
	ErrBadCredentials  = fault.New(fault.Unauthenticated, "The email or password is not correct.")
	ErrLocked          = fault.New(fault.TooMany, "Too many attempts. Try again later.")
	ErrAddrLimited     = fault.New(fault.TooMany, "Too many sign-in attempts from this network. Try again later.")
	ErrAccountDisabled = fault.New(fault.Unauthenticated, "This account has been disabled. Contact your clinic.")

	ErrNoSession      = fault.New(fault.Unauthenticated, "Please sign in.")
	ErrSessionIdle    = fault.New(fault.Unauthenticated, "You were signed out because you were inactive for a while. Please sign in again.")
	ErrSessionExpired = fault.New(fault.Unauthenticated, "Your session reached its time limit. Please sign in again.")
	ErrSignedOut      = fault.New(fault.Unauthenticated, "You have signed out. Please sign in again.")

	ErrMFARequired        = fault.New(fault.Unauthenticated, "Enter the code from your authenticator app to finish signing in.")
	ErrEnrollmentRequired = fault.New(fault.Unauthenticated, "Set up two-step sign-in to continue.")
)

// MFA errors.
var (
	ErrBadCode         = fault.New(fault.Invalid, "That code is not correct. Check your authenticator app and try again.")
	ErrCodeReused      = fault.New(fault.Invalid, "That code was already used. Wait for the next code in your authenticator app.")
	ErrAlreadyEnrolled = fault.New(fault.Conflict, "Two-step sign-in is already set up.")
	ErrNoEnrollment    = fault.New(fault.Conflict, "Start setting up two-step sign-in first.")
	ErrWrongStep       = fault.New(fault.Conflict, "This step of signing in does not apply now. Please sign in again.")
)

// Account and input errors.
var (
	ErrNoAccount       = fault.New(fault.NotFound, "No such account.")
	ErrEmailTaken      = fault.New(fault.Conflict, "An account with this email address already exists.")
	ErrBadEmail        = fault.New(fault.Invalid, "Enter a valid email address.")
	ErrBadName         = fault.New(fault.Invalid, "Enter a name of 1 to 100 characters.")
	ErrBadRole         = fault.New(fault.Invalid, "Choose a role: patient, clinician, counselor or admin.")
	ErrPasswordShort   = fault.New(fault.Invalid, "Use at least 8 characters.")
	ErrPasswordLong    = fault.New(fault.Invalid, "Use at most 128 characters.")
	ErrPasswordCommon  = fault.New(fault.Invalid, "This password is too common. Choose one that is harder to guess; a few unrelated words work well.")
	ErrPasswordIsEmail = fault.New(fault.Invalid, "Do not use your email address as your password.")
)

// Invitation errors.
var (
	ErrInvitationInvalid = fault.New(fault.NotFound, "This invitation link is not valid.")
	ErrInvitationUsed    = fault.New(fault.Conflict, "This invitation has already been used. Sign in instead.")
	ErrInvitationExpired = fault.New(fault.Invalid, "This invitation has expired. Ask your clinic for a new one.")
)

// Access errors.
var (
	ErrForbidden     = fault.New(fault.Forbidden, "You do not have access to this.")
	ErrStaffOnly     = fault.New(fault.Forbidden, "Only clinic staff can do this.")
	ErrNoPatient     = fault.New(fault.NotFound, "No such patient.")
	ErrNotClinician  = fault.New(fault.Invalid, "That person is not an active clinician.")
	ErrReasonShort   = fault.New(fault.Invalid, "Give a reason of at least 20 characters.")
	ErrReasonLong    = fault.New(fault.Invalid, "Keep the reason under 1000 characters.")
	ErrBreakGlassDur = fault.New(fault.Invalid, "Break-glass access lasts between 1 minute and 4 hours.")
	ErrBadGrant      = fault.New(fault.Invalid, "Invalid access grant.")
)
