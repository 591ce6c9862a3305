package web

import (
	"context"
	"net/http"
	"time"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/visits"
)

// The scheduler satisfies the edge's interface.
var _ Visits = (*visits.Service)(nil)

// Visits is scheduling as the edge uses it; *visits.Service satisfies it.
// Access is decided there (account's Authorize, audited) and its errors
// are faults shown as they are: the notice-window refusals
// (visits.ErrTooSoon, visits.ErrTooLate) name what to do instead, and of
// concurrent bookings of one slot all but one get visits.ErrSlotTaken.
type Visits interface {
	// Availability returns a clinician's published hours (visits.ErrNoSchedule when none).
	Availability(ctx context.Context, actor account.Actor, clinicianID int64) (visits.Availability, error)
	// SetAvailability replaces them; only the clinician may.
	SetAvailability(ctx context.Context, actor account.Actor, clinicianID int64, av visits.Availability) error
	// VisitTypes lists a clinician's active visit types, shortest first.
	VisitTypes(ctx context.Context, actor account.Actor, clinicianID int64) ([]visits.VisitType, error)
	// AddVisitType adds a visit type the clinician t.ClinicianID offers.
	AddVisitType(ctx context.Context, actor account.Actor, t visits.VisitType) (visits.VisitType, error)
	// RetireVisitType stops offering one of the actor's visit types.
	RetireVisitType(ctx context.Context, actor account.Actor, typeID int64) error
	// OpenSlots lists the bookable times in [from, to) for a visit type.
	OpenSlots(ctx context.Context, actor account.Actor, clinicianID int64, from, to time.Time, visitTypeID int64) ([]visits.Slot, error)
	// Book books a visit, atomically; one of concurrent bookings wins.
	Book(ctx context.Context, actor account.Actor, req visits.BookRequest) (visits.Appointment, error)
	// Get returns one appointment or offer (audited visits.read).
	Get(ctx context.Context, actor account.Actor, appointmentID int64) (visits.Appointment, error)
	// Appointments lists a patient's visits and offers overlapping [from, to).
	Appointments(ctx context.Context, actor account.Actor, patientID int64, from, to time.Time) ([]visits.Appointment, error)
	// Cancel cancels a booked visit.
	Cancel(ctx context.Context, actor account.Actor, appointmentID int64) error
	// Reschedule moves a booked visit, atomically.
	Reschedule(ctx context.Context, actor account.Actor, appointmentID int64, newStart time.Time) (visits.Appointment, error)
	// DayView lists the clinician's visits on a day of their zone, with the zone.
	DayView(ctx context.Context, actor account.Actor, clinicianID int64, day string) ([]visits.Appointment, string, error)
	// JoinWaitlist puts a patient in line for an earlier slot.
	JoinWaitlist(ctx context.Context, actor account.Actor, req visits.WaitlistRequest) (visits.WaitlistEntry, error)
	// LeaveWaitlist takes an entry out of line.
	LeaveWaitlist(ctx context.Context, actor account.Actor, entryID int64) error
	// Waitlist lists a patient's waiting entries with their open offers.
	Waitlist(ctx context.Context, actor account.Actor, patientID int64) ([]visits.WaitlistEntry, error)
	// AcceptOffer books a held waitlist offer.
	AcceptOffer(ctx context.Context, actor account.Actor, offerID int64) (visits.Appointment, error)
	// DeclineOffer gives a held offer up.
	DeclineOffer(ctx context.Context, actor account.Actor, offerID int64) error
	// VideoRoom admits the actor to a video visit's room when it is open.
	VideoRoom(ctx context.Context, actor account.Actor, appointmentID int64) (visits.Room, error)
}

// visitsBodyLimit caps scheduling request bodies: an availability of 100
// weekly hours and 500 exceptions is about 40 KiB.
const visitsBodyLimit = 64 << 10

// errVisitsUnavailable answers the scheduling routes when the node has no
// scheduler.
var errVisitsUnavailable = fault.New(fault.Unavailable, "Appointments are not available on this server.")

// visitsRoutes lists the scheduling pages (the patient's Appointments,
// the clinician's My day and Availability) and API routes. Every API route
// needs a full session; who may do what is the scheduler's decision.
func (s *Server) visitsRoutes() {
	for _, p := range []string{"/appointments", "/my-day", "/availability"} {
		s.Handle("GET "+p, http.HandlerFunc(s.handlePage))
	}
	s.Handle("GET /api/clinicians/{id}/availability", s.visitsAPI(s.handleAvailability))
	s.Handle("PUT /api/clinicians/{id}/availability", s.visitsAPI(s.handleSetAvailability))
	s.Handle("GET /api/clinicians/{id}/visit-types", s.visitsAPI(s.handleVisitTypes))
	s.Handle("POST /api/clinicians/{id}/visit-types", s.visitsAPI(s.handleAddVisitType))
	s.Handle("DELETE /api/visit-types/{id}", s.visitsAPI(s.handleRetireVisitType))
	s.Handle("GET /api/clinicians/{id}/slots", s.visitsAPI(s.handleOpenSlots))
	s.Handle("GET /api/clinicians/{id}/day", s.visitsAPI(s.handleDayView))
	s.Handle("GET /api/patients/{id}/appointments", s.visitsAPI(s.handleAppointments))
	s.Handle("POST /api/patients/{id}/appointments", s.visitsAPI(s.handleBook))
	s.Handle("GET /api/appointments/{id}", s.visitsAPI(s.handleAppointment))
	s.Handle("POST /api/appointments/{id}/cancel", s.visitsAPI(s.handleCancel))
	s.Handle("POST /api/appointments/{id}/reschedule", s.visitsAPI(s.handleReschedule))
	s.Handle("GET /api/appointments/{id}/room", s.visitsAPI(s.handleVideoRoom))
	s.Handle("GET /api/patients/{id}/waitlist", s.visitsAPI(s.handleWaitlist))
	s.Handle("POST /api/patients/{id}/waitlist", s.visitsAPI(s.handleJoinWaitlist))
	s.Handle("DELETE /api/waitlist/{id}", s.visitsAPI(s.handleLeaveWaitlist))
	s.Handle("POST /api/offers/{id}/accept", s.visitsAPI(s.handleAcceptOffer))
	s.Handle("POST /api/offers/{id}/decline", s.visitsAPI(s.handleDeclineOffer))
}

// visitsAPI is authed for the scheduling routes, answering 503 when
// Deps.Visits is nil.
func (s *Server) visitsAPI(h func(http.ResponseWriter, *http.Request, User, Visits) error) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u User) error {
		if s.deps.Visits == nil {
			return errVisitsUnavailable
		}
		return h(w, r, u, s.deps.Visits)
	})
}
