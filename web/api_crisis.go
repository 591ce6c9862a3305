package web

import (
	"net/http"

	"haven/crisis"
	"haven/portal/account"
	"haven/portal/fault"
)

// *crisis.Service is what cmd/portal wires into Deps.Crisis.
var _ Crisis = (*crisis.Service)(nil)

// crisisBodyLimit caps crisis request bodies: the largest, a resolution
// with ten follow-ups, is under 2 KiB.
const crisisBodyLimit = 16 << 10

// errCrisisUnavailable answers the crisis routes when the node has no
// crisis service. The crisis page still shows 988 and the emergency number.
var errCrisisUnavailable = fault.New(fault.Unavailable,
	"Crisis alerts are not available on this server. Call or text 988, or call your local emergency number.")

// crisisRoutes lists the crisis routes and pages. Every API route needs a
// full session; roles narrow them, and the crisis package decides who may
// claim, resolve or read a location.
func (s *Server) crisisRoutes() {
	counselor := account.RoleCounselor
	patient := account.RolePatient
	// Claiming, resolving and reading the context are open to whoever the
	// escalation was offered to (tier 3 reaches the care team); the crisis
	// package refuses everyone else.
	responders := []account.Role{account.RoleCounselor, account.RoleClinician}

	for _, p := range []string{"/crisis", "/console"} {
		s.Handle("GET "+p, http.HandlerFunc(s.handlePage))
	}

	// The patient: the crisis button, their request, location, safety plan.
	s.Handle("POST /api/crisis", s.crisisAPI(s.handleCrisisButton, patient))
	s.Handle("GET /api/crisis/mine", s.crisisAPI(s.handleCrisisMine, patient))
	s.Handle("POST /api/crisis/location", s.crisisAPI(s.handleCrisisLocation, patient))
	s.Handle("GET /api/crisis/safety-plan", s.authed(s.handleCrisisSafetyPlan, patient))

	// The counselor console.
	s.Handle("GET /api/crisis/queue", s.crisisAPI(s.handleCrisisQueue, counselor))
	s.Handle("POST /api/crisis/{id}/claim", s.crisisAPI(s.handleCrisisClaim, responders...))
	s.Handle("POST /api/crisis/{id}/resolve", s.crisisAPI(s.handleCrisisResolve, responders...))
	s.Handle("GET /api/crisis/{id}", s.crisisAPI(s.handleCrisisContext, responders...))
	s.Handle("GET /api/crisis/oncall", s.crisisAPI(s.handleOnCallGet, counselor))
	s.Handle("PUT /api/crisis/oncall", s.crisisAPI(s.handleOnCallPut, counselor))
	s.Handle("GET /api/crisis/coverage", s.crisisAPI(s.handleCoverage, counselor, account.RoleAdmin))

	// A clinician on the care team escalates by hand.
	s.Handle("POST /api/patients/{id}/escalate", s.crisisAPI(s.handleEscalate, account.RoleClinician))
}

// crisisAPI is authed for the crisis routes, answering 503 when
// Deps.Crisis is nil.
func (s *Server) crisisAPI(h func(http.ResponseWriter, *http.Request, User, Crisis) error, roles ...account.Role) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u User) error {
		if s.deps.Crisis == nil {
			return errCrisisUnavailable
		}
		return h(w, r, u, s.deps.Crisis)
	}, roles...)
}
